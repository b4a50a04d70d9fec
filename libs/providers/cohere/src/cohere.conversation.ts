import { TranslationError } from '@switchyard/plugin-api';
import type { ChatMessage, ToolCall } from '@switchyard/plugin-api';
import { contentText, isRecord } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';
import { cohereToolCall, type CohereToolCall } from './cohere.tool-calls.js';

/** The result of one tool call, as Cohere v1 takes it: the call, and its outputs as a list of objects. */
export interface CohereToolResult {
  readonly call: CohereToolCall;
  readonly outputs: readonly JsonRecord[];
}

/** One earlier turn of a v1 `chat_history`. */
export type CohereTurn =
  | { readonly role: 'USER' | 'SYSTEM'; readonly message: string }
  | { readonly role: 'CHATBOT'; readonly message: string; readonly tool_calls?: readonly CohereToolCall[] }
  | { readonly role: 'TOOL'; readonly tool_results: readonly CohereToolResult[] };

/** The conversation members of a `/v1/chat` body. */
export interface CohereConversation {
  readonly preamble?: string;
  readonly chat_history?: readonly CohereTurn[];
  /** The current turn's text; `''` when the turn is tool results. */
  readonly message: string;
  readonly tool_results?: readonly CohereToolResult[];
}

const INSTRUCTION_ROLES: ReadonlySet<string> = new Set(['system', 'developer']);

/**
 * A tool's output as Cohere's `outputs` (a list of objects): a JSON object is the one output, a
 * JSON array of objects the outputs, anything else is `{output: <text>}`.
 */
function toolOutputs(message: ChatMessage): JsonRecord[] {
  const text = contentText(message.content);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (isRecord(parsed)) return [parsed];
  if (Array.isArray(parsed) && parsed.length > 0 && parsed.every(isRecord)) return parsed;
  return [{ output: text }];
}

/** Remembers the assistant's tool calls by id, so that each `tool` message names its call. */
class ToolCallLedger {
  readonly #calls = new Map<string, CohereToolCall>();

  /** The assistant's calls in Cohere's shape, each remembered under its OpenAI id. */
  record(calls: readonly ToolCall[]): CohereToolCall[] {
    return calls.map((call) => {
      const cohere = cohereToolCall(call);
      this.#calls.set(call.id, cohere);
      return cohere;
    });
  }

  /** A `tool` message as a Cohere tool result; its `tool_call_id` must name an earlier call. */
  result(message: ChatMessage): CohereToolResult {
    const call = message.tool_call_id === undefined ? undefined : this.#calls.get(message.tool_call_id);
    if (!call) {
      throw new TranslationError(
        `tool message with tool_call_id '${String(message.tool_call_id)}' answers no tool call of an earlier assistant message`,
      );
    }
    return { call, outputs: toolOutputs(message) };
  }
}

/** The `chat_history` turns of `messages`; consecutive `tool` messages make one TOOL turn. */
function historyTurns(messages: readonly ChatMessage[], ledger: ToolCallLedger): CohereTurn[] {
  const turns: CohereTurn[] = [];
  // The results of the TOOL turn being filled, while `tool` messages follow each other.
  let toolResults: CohereToolResult[] | undefined;
  for (const message of messages) {
    if (message.role === 'tool') {
      if (!toolResults) {
        toolResults = [];
        turns.push({ role: 'TOOL', tool_results: toolResults });
      }
      toolResults.push(ledger.result(message));
      continue;
    }
    toolResults = undefined;
    const text = contentText(message.content);
    if (message.role === 'assistant') {
      const calls = message.tool_calls?.length ? ledger.record(message.tool_calls) : undefined;
      turns.push({ role: 'CHATBOT', message: text, ...(calls && { tool_calls: calls }) });
    } else {
      // A later system message stays where it is, as Cohere's SYSTEM turn; every other role
      // (user, and the legacy `function`) is the USER's, as Kong has it.
      turns.push({ role: INSTRUCTION_ROLES.has(message.role) ? 'SYSTEM' : 'USER', message: text });
    }
  }
  return turns;
}

/**
 * OpenAI `messages` as a Cohere v1 conversation. The leading system (and developer) messages
 * become the `preamble` (Kong sends them as USER turns; the preamble is where Cohere reads
 * instructions). When the conversation ends with `tool` messages, they are the current turn:
 * `tool_results`, with an empty `message`, as Cohere's tool use asks; otherwise the last message
 * is `message` (Kong's rule). Everything between is `chat_history`: user and assistant turns
 * (with their tool calls), tool results, and later system messages. Throws `TranslationError`
 * for no messages, or a tool result that answers no earlier call.
 */
export function cohereConversation(messages: readonly ChatMessage[]): CohereConversation {
  const last = messages.length - 1;
  if (last < 0 || !messages.every(isRecord))
    throw new TranslationError("request body doesn't contain valid prompts");
  // The leading instructions, never the last message: a body of system messages only still asks something.
  let start = 0;
  while (start < last && INSTRUCTION_ROLES.has(messages[start]!.role)) start += 1;
  let end = messages.length;
  while (end > start && messages[end - 1]!.role === 'tool') end -= 1;
  const answersTools = end < messages.length;
  const turnAt = answersTools ? end : last;

  const ledger = new ToolCallLedger();
  const history = historyTurns(messages.slice(start, turnAt), ledger);
  const conversation = {
    ...(start > 0 && {
      preamble: messages
        .slice(0, start)
        .map((message) => contentText(message.content))
        .join('\n'),
    }),
    ...(history.length > 0 && { chat_history: history }),
  };
  if (!answersTools) return { ...conversation, message: contentText(messages[last]!.content) };
  const results = messages.slice(end).map((message) => ledger.result(message));
  return { ...conversation, message: '', tool_results: results };
}
