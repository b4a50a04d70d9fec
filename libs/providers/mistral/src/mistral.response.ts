import { TranslationError } from '@switchyard/plugin-api';
import type {
  AssistantMessage,
  ChatCompletion,
  ChatCompletionChoice,
  ProviderRequest,
  ToolCall,
  TranslatedResponse,
} from '@switchyard/plugin-api';
import { isRecord, nowInSeconds } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';
import { argumentsText, mistralFinish, mistralText, mistralUsage } from './mistral.fields.js';

/** Mistral's tool calls as OpenAI's: `type` always set, arguments as JSON text, no `index`. */
function toolCalls(value: unknown): ToolCall[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((call: unknown): ToolCall[] => {
    if (!isRecord(call) || !isRecord(call.function) || typeof call.function.name !== 'string') return [];
    return [
      {
        id: typeof call.id === 'string' ? call.id : '',
        type: 'function',
        function: { name: call.function.name, arguments: argumentsText(call.function.arguments) },
      },
    ];
  });
}

function choiceOf(value: unknown, position: number): ChatCompletionChoice {
  const choice = isRecord(value) ? value : {};
  const message: JsonRecord = isRecord(choice.message) ? choice.message : {};
  const calls = toolCalls(message.tool_calls);
  const out: AssistantMessage = { role: 'assistant', content: mistralText(message.content) };
  if (calls.length > 0) out.tool_calls = calls;
  const finish = mistralFinish(typeof choice.finish_reason === 'string' ? choice.finish_reason : 'stop');
  // A failed generation is no answer: a 500 the client can retry, not a partial reply dressed as a whole one.
  if (finish.failure !== undefined) throw new TranslationError(finish.failure);
  return {
    index: typeof choice.index === 'number' ? choice.index : position,
    message: out,
    finish_reason: finish.reason,
  };
}

/**
 * A Mistral chat answer as OpenAI's `chat.completion`: content chunk lists joined into text,
 * tool calls with `type` and JSON-text arguments, `model_length` as `length`, usage with the
 * cached prompt tokens. Throws `TranslationError` with Kong's message for a body without
 * `choices`, and for a failed generation (`finish_reason: error`).
 */
export function translateMistralChatResponse(body: unknown, request: ProviderRequest): TranslatedResponse {
  if (!isRecord(body) || !Array.isArray(body.choices))
    throw new TranslationError(`'choices' not in ${request.routeType} response`);
  const usage = mistralUsage(body.usage);
  const completion: ChatCompletion = {
    id: typeof body.id === 'string' ? body.id : '',
    object: 'chat.completion',
    created: typeof body.created === 'number' ? body.created : nowInSeconds(),
    model: typeof body.model === 'string' && body.model !== '' ? body.model : request.model.name,
    choices: body.choices.map(choiceOf),
    ...(usage && { usage }),
  };
  return {
    body: completion,
    usage,
    model: completion.model,
    id: completion.id,
    finishReasons: completion.choices.flatMap((choice) =>
      choice.finish_reason ? [choice.finish_reason] : [],
    ),
  };
}
