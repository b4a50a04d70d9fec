import { createHash } from 'node:crypto';

/** Mistral's rule for tool-call ids: "must be a-z, A-Z, 0-9, with a length of 9". */
const MISTRAL_TOOL_CALL_ID = /^[a-zA-Z0-9]{9}$/;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A tool-call id Mistral accepts, for the id a client sends back (in an assistant's `tool_calls`
 * and the `tool` message's `tool_call_id`). Mistral's own ids (9 letters and digits) are kept;
 * any other (OpenAI's `call_...` from a turn another provider answered) is replaced by 9
 * characters of its SHA-256, so that the same id maps to the same Mistral id in both places, and
 * different ids to different ones (62^9 values).
 */
export function mistralToolCallId(id: string): string {
  if (MISTRAL_TOOL_CALL_ID.test(id)) return id;
  const digest = createHash('sha256').update(id).digest();
  let mapped = '';
  for (let index = 0; index < 9; index += 1) mapped += ALPHABET[digest[index]! % ALPHABET.length];
  return mapped;
}
