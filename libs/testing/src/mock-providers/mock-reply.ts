import { MOCK_TOOL_ARGUMENT_PIECE_CHARS, type MockToolCallSpec } from './mock-provider.types.js';

/** One tool call of a reply, with the id the provider would give it. */
export interface MockToolCall {
  /** Unique per reply (`call_1`, ...); each provider's mock spells it its own way from this. */
  readonly id: string;
  readonly name: string;
  /** The arguments as the JSON text providers send. */
  readonly arguments: string;
  /** The arguments text cut into the pieces a stream sends. */
  readonly argumentPieces: readonly string[];
}

/** What the mock answers to one request: the same text and tool calls for stream and non-stream replies. */
export interface MockReply {
  /** The whole reply text (the pieces joined). */
  readonly text: string;
  /** The text cut into word pieces (`"The"`, `" answer"`, ...): one stream content event each. */
  readonly pieces: readonly string[];
  /** True when the request's max tokens cut the reply short (`length` / `MAX_TOKENS`). */
  readonly truncated: boolean;
  /** Whitespace-separated words in all input texts of the request. */
  readonly promptTokens: number;
  /** Words in the reply, which is its number of pieces, plus one per tool call. */
  readonly completionTokens: number;
  /** The tools the reply calls, in order (empty for a text-only reply). */
  readonly toolCalls: readonly MockToolCall[];
}

const PIECE = /\s*\S+/g;
const WORD = /\S+/g;

/** Counts whitespace-separated words: the mock's deterministic token count. */
export function countWords(text: string): number {
  return text.match(WORD)?.length ?? 0;
}

/**
 * The reply text cut into pieces once per behaviour change, so that a request only slices and counts.
 * Each piece keeps the whitespace before its word, so the pieces join back into the reply text.
 */
export class ReplyScript {
  readonly #pieces: readonly string[];
  readonly #text: string;
  readonly #toolCalls: readonly MockToolCall[];

  /**
   * @param replyText the text to answer with
   * @param eventCount when set, the number of pieces: the words of `replyText` are repeated (space-separated) to reach it
   * @param toolCalls the tools to call after the text
   */
  constructor(replyText: string, eventCount?: number, toolCalls: readonly MockToolCallSpec[] = []) {
    const base = replyText.match(PIECE) ?? [];
    const count = base.length === 0 ? 0 : (eventCount ?? base.length);
    const pieces: string[] = [];
    for (let i = 0; i < count; i++) {
      const piece = base[i % base.length];
      // A repeated round starts with the first word, which carries no leading space of its own.
      pieces.push(i >= base.length && i % base.length === 0 && !/^\s/.test(piece) ? ` ${piece}` : piece);
    }
    this.#pieces = pieces;
    this.#text = pieces.join('');
    this.#toolCalls = toolCalls.map((call, index) => {
      const text = JSON.stringify(call.arguments);
      const argumentPieces: string[] = [];
      for (let at = 0; at < text.length; at += MOCK_TOOL_ARGUMENT_PIECE_CHARS)
        argumentPieces.push(text.slice(at, at + MOCK_TOOL_ARGUMENT_PIECE_CHARS));
      return { id: `call_${index + 1}`, name: call.name, arguments: text, argumentPieces };
    });
  }

  /**
   * The reply to one request.
   * @param inputs every input text of the request (messages, preamble, prompt), for the prompt token count
   * @param maxTokens the request's token limit, if any: the reply keeps at most that many pieces
   */
  reply(inputs: readonly string[], maxTokens: number | undefined): MockReply {
    let promptTokens = 0;
    for (const input of inputs) promptTokens += countWords(input);
    const truncated = maxTokens !== undefined && maxTokens < this.#pieces.length;
    const pieces = truncated ? this.#pieces.slice(0, Math.max(0, maxTokens)) : this.#pieces;
    return {
      text: truncated ? pieces.join('') : this.#text,
      pieces,
      truncated,
      promptTokens,
      completionTokens: pieces.length + this.#toolCalls.length,
      toolCalls: this.#toolCalls,
    };
  }
}
