/** One server-sent event carrying JSON: `data: {...}` and a blank line. */
export function sseFrame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** One named server-sent event carrying JSON: `event: <name>`, `data: {...}` and a blank line (Anthropic's streams). */
export function namedSseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** OpenAI's stream terminator. */
export const SSE_DONE = 'data: [DONE]\n\n';

/** One NDJSON line (Cohere's streams). */
export function ndjsonFrame(data: unknown): string {
  return `${JSON.stringify(data)}\n`;
}

// A string whose JSON encoding cannot occur in any other part of a frame.
const SLOT = '\u0001piece\u0001';
const ENCODED_SLOT = JSON.stringify(SLOT);

/**
 * The frames of the content events, one per reply piece. The event is serialised once with a
 * placeholder and each piece is spliced in, so a 64-event stream costs one `JSON.stringify` of the
 * envelope instead of 64.
 * @param frame the framing (SSE or NDJSON)
 * @param event builds the event object around its text
 */
export function pieceFrames(
  frame: (data: unknown) => string,
  event: (text: string) => unknown,
  pieces: readonly string[],
): string[] {
  const [head, tail] = frame(event(SLOT)).split(ENCODED_SLOT);
  return pieces.map((piece) => head + JSON.stringify(piece) + tail);
}
