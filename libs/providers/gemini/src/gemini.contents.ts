import { TranslationError } from '@switchyard/plugin-api';
import type { ChatMessage, ToolCall } from '@switchyard/plugin-api';
import { contentText, isRecord } from '@switchyard/provider-openai-compatible';
import { contentParts } from './gemini.parts.js';
import type { GeminiContent, GeminiPart } from './gemini.types.js';

/** An OpenAI conversation as Gemini takes it: the system instruction apart, then the turns. */
export interface GeminiConversation {
  /** The text of every `system` and `developer` message, in order, one part each. */
  readonly systemInstruction?: { readonly parts: readonly GeminiPart[] };
  readonly contents: readonly GeminiContent[];
}

/** An assistant's tool call as a `functionCall` part, its JSON arguments parsed (Gemini wants an object). */
function functionCallPart(call: ToolCall): GeminiPart {
  const text = call.function?.arguments ?? '';
  let args: unknown;
  try {
    // An empty string is how some clients send a call without arguments.
    args = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    args = undefined;
  }
  if (!isRecord(args))
    throw new TranslationError(
      `the arguments of tool call '${call.id}' are not a JSON object: ${text.slice(0, 200)}`,
    );
  return { functionCall: { name: call.function.name, args } };
}

/**
 * A tool message's content as a `functionResponse`'s `response` (a JSON object): a JSON object
 * as it is, any other text as Gemini's `output`.
 */
function functionResponse(content: ChatMessage['content']): Readonly<Record<string, unknown>> {
  const text = contentText(content);
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed)) return parsed;
  } catch {
    // Not JSON: the text is the output.
  }
  return { output: text };
}

/**
 * OpenAI messages as Gemini's `systemInstruction` and `contents`: system and developer messages
 * become the system instruction, user messages `user` turns, assistant messages `model` turns
 * whose tool calls are `functionCall` parts, and consecutive tool messages one `user` turn of
 * `functionResponse` parts (Gemini wants every result of a turn's calls together), each named
 * after the call its `tool_call_id` answers. Throws `TranslationError` for what Gemini cannot take.
 */
export function toGeminiConversation(messages: readonly ChatMessage[], model: string): GeminiConversation {
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  /** The function name of every tool call made so far, by id. */
  const callNames = new Map<string, string>();

  messages.forEach((message, index) => {
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = contentText(message.content);
        if (text !== '') system.push({ text });
        return;
      }
      case 'user': {
        const parts = contentParts(message.content);
        if (parts.length === 0)
          throw new TranslationError(
            `messages[${index}] (role user) is empty; gemini refuses a turn without parts`,
          );
        contents.push({ role: 'user', parts });
        return;
      }
      case 'assistant': {
        const calls = message.tool_calls ?? [];
        for (const call of calls) callNames.set(call.id, call.function.name);
        const parts = [...contentParts(message.content), ...calls.map(functionCallPart)];
        // An empty assistant turn says nothing, and Gemini refuses a turn without parts.
        if (parts.length > 0) contents.push({ role: 'model', parts });
        return;
      }
      case 'tool': {
        const name = callNames.get(message.tool_call_id ?? '');
        if (name === undefined)
          throw new TranslationError(
            `messages[${index}] (role tool) answers tool call '${message.tool_call_id ?? ''}', which no earlier assistant message made`,
          );
        const part: GeminiPart = { functionResponse: { name, response: functionResponse(message.content) } };
        const previous = contents.at(-1);
        if (previous?.role === 'user' && previous.parts.every((each) => 'functionResponse' in each))
          contents[contents.length - 1] = { role: 'user', parts: [...previous.parts, part] };
        else contents.push({ role: 'user', parts: [part] });
        return;
      }
      default:
        throw new TranslationError(
          `messages[${index}] has role '${message.role}', which gemini does not take (use tools and tool messages)`,
        );
    }
  });

  if (system.length === 0) return { contents };
  // Kong's check: the system instruction came with Gemini 1.5.
  if (model.startsWith('gemini-1.0'))
    throw new TranslationError("system prompts aren't supported on gemini-1.0 models");
  return { systemInstruction: { parts: system }, contents };
}
