import { TranslationError } from '@switchyard/plugin-api';
import type { ToolCall } from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';

/** A tool call in Ollama's words: the function's name and its arguments as an object. */
export interface OllamaToolCall {
  readonly function: { readonly name: string; readonly arguments: JsonRecord };
}

/**
 * The OpenAI id of the `index`-th call of an answer: Ollama's own `id` when it gives one, else
 * derived from the answer's id, so that it is unique across the turns of a conversation (a bare
 * `call_0` would repeat every turn, and the client pairs each `tool` result with its call by id).
 */
function toolCallId(call: JsonRecord, answerId: string, index: number): string {
  return typeof call.id === 'string' && call.id !== ''
    ? call.id
    : `call_${answerId.replace(/^chatcmpl-/, '')}_${index}`;
}

/**
 * The calls of an Ollama `tool_calls` array (`[{function: {name, arguments}}]`) as OpenAI's,
 * with their arguments as the JSON text OpenAI sends; `firstIndex` numbers them on in a stream.
 */
export function openAiToolCalls(value: unknown, answerId: string, firstIndex = 0): ToolCall[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown, offset): ToolCall[] => {
    const fn = isRecord(entry) && isRecord(entry.function) ? entry.function : undefined;
    if (!fn || typeof fn.name !== 'string') return [];
    const args = isRecord(fn.arguments) ? fn.arguments : {};
    return [
      {
        id: toolCallId(entry as JsonRecord, answerId, firstIndex + offset),
        type: 'function',
        function: { name: fn.name, arguments: JSON.stringify(args) },
      },
    ];
  });
}

/** An OpenAI assistant's call in Ollama's words: the JSON `arguments` text must be an object. */
export function ollamaToolCall(call: ToolCall): OllamaToolCall {
  let args: unknown;
  try {
    args = JSON.parse(call.function.arguments || '{}');
  } catch {
    args = undefined;
  }
  if (!isRecord(args))
    throw new TranslationError(
      `the arguments of tool call '${call.id}' (${call.function.name}) must be a JSON object for ollama`,
    );
  return { function: { name: call.function.name, arguments: args } };
}
