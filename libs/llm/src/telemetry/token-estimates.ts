import type { ClientBody } from '@switchyard/plugin-api';

const WORD = /\S+/g;

/** Kong's `count_words`: runs of non-space characters in a string, or in the text parts of multi-modal content. */
export function countWords(content: unknown): number {
  if (typeof content === 'string') return content.match(WORD)?.length ?? 0;
  if (!Array.isArray(content)) return 0;
  let count = 0;
  for (const part of content as unknown[]) {
    const { type, text } = (part ?? {}) as { type?: unknown; text?: unknown };
    if (type === 'text' && typeof text === 'string') count += countWords(text);
  }
  return count;
}

/**
 * The tokens of an embeddings `input`: a token per word of its strings (Kong's count), and the
 * exact count of token-id lists.
 */
function inputTokens(input: unknown): number {
  if (!Array.isArray(input)) return countWords(input);
  let count = 0;
  for (const item of input as unknown[])
    count += typeof item === 'number' ? 1 : Array.isArray(item) ? item.length : countWords(item);
  return count;
}

/**
 * Kong's prompt token estimate (`calculate_cost` on the request) for providers that may not
 * report usage: words × `factor` (1.0, or 1.8 when streaming), rounded half up. An embeddings
 * body counts its `input`.
 */
export function estimatePromptTokens(body: ClientBody, factor: number): number {
  let words = 0;
  if (Array.isArray(body.messages)) {
    for (const message of body.messages as unknown[])
      words += countWords((message as { content?: unknown } | null)?.content);
  } else if (body.input !== undefined) {
    words = inputTokens(body.input);
  } else {
    words = countWords(body.prompt);
  }
  return Math.floor(words * factor + 0.5);
}

/**
 * Kong's completion token estimate for one streamed event without counts: a token per 4 bytes
 * of its trimmed text, rounded up.
 */
export function estimateCompletionTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text.trim()) / 4);
}
