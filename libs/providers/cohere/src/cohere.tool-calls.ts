import { TranslationError } from '@switchyard/plugin-api';
import type { ToolCall } from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';

/** A tool call in Cohere v1's words: the tool's name and its arguments as an object (no id). */
export interface CohereToolCall {
  readonly name: string;
  readonly parameters: JsonRecord;
}

/**
 * The OpenAI id of the `index`-th tool call of an answer. Cohere v1 gives calls no id, but OpenAI
 * clients need one to pair each `tool` result with its call; deriving it from the answer's
 * `generation_id` keeps it the same in a whole answer and in the stream of that answer, and
 * unique across the turns of a conversation (a bare `call_0` would repeat every turn).
 */
export function toolCallId(answerId: string, index: number): string {
  return answerId ? `call_${answerId}_${index}` : `call_${index}`;
}

/** Reads a Cohere `{name, parameters}` call; `undefined` for anything else. */
export function readCohereToolCall(value: unknown): CohereToolCall | undefined {
  if (!isRecord(value) || typeof value.name !== 'string') return undefined;
  return { name: value.name, parameters: isRecord(value.parameters) ? value.parameters : {} };
}

/** A Cohere call as OpenAI's `tool_calls` entry: its arguments become the JSON text OpenAI sends. */
export function openAiToolCall(call: CohereToolCall, answerId: string, index: number): ToolCall {
  return {
    id: toolCallId(answerId, index),
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.parameters) },
  };
}

/** The calls of a Cohere `tool_calls` array (answers, `tool-calls-generation`), in OpenAI's shape. */
export function openAiToolCalls(value: unknown, answerId: string): ToolCall[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown, index) => {
    const call = readCohereToolCall(entry);
    return call ? [openAiToolCall(call, answerId, index)] : [];
  });
}

/**
 * An OpenAI assistant's tool call as Cohere's `{name, parameters}`: the JSON `arguments` text is
 * parsed, and must be an object (Cohere takes parameters by name).
 */
export function cohereToolCall(call: ToolCall): CohereToolCall {
  let parameters: unknown;
  try {
    parameters = JSON.parse(call.function.arguments || '{}');
  } catch {
    parameters = undefined;
  }
  if (!isRecord(parameters)) {
    throw new TranslationError(
      `the arguments of tool call '${call.id}' (${call.function.name}) must be a JSON object for cohere`,
    );
  }
  return { name: call.function.name, parameters };
}
