import { TranslationError } from '@switchyard/plugin-api';
import type {
  ChatCompletionRequest,
  ClientBody,
  ProviderRequest,
  ToolDefinition,
  TranslatedRequest,
} from '@switchyard/plugin-api';
import { isRecord, mapFields, sendAs, sentAsGiven } from '@switchyard/provider-openai-compatible';
import type { FieldMapping, FieldTable } from '@switchyard/provider-openai-compatible';
import { toMistralMessages } from './mistral.messages.js';

/** Mistral's function tools: `parameters` is required there, `strict` is kept. */
const tools: FieldMapping = (value) => {
  if (!Array.isArray(value)) throw new TranslationError('tools must be a list of tools');
  return {
    tools: value.map((tool: ToolDefinition) => {
      if (!isRecord(tool) || tool.type !== 'function' || !isRecord(tool.function))
        throw new TranslationError(
          'only function tools ({"type":"function","function":{...}}) are supported by mistral',
        );
      const { name, description, parameters, strict } = tool.function;
      return {
        type: 'function',
        function: {
          name,
          ...(description !== undefined && { description }),
          parameters: parameters ?? { type: 'object', properties: {} },
          ...(strict !== undefined && { strict }),
        },
      };
    }),
  };
};

/** OpenAI's `tool_choice` in Mistral's words: `required` is Mistral's `any`. */
const toolChoice: FieldMapping = (value) => {
  if (value === 'required') return { tool_choice: 'any' };
  if (value === 'auto' || value === 'none' || value === 'any') return { tool_choice: value };
  if (
    isRecord(value) &&
    value.type === 'function' &&
    isRecord(value.function) &&
    typeof value.function.name === 'string'
  )
    return { tool_choice: { type: 'function', function: { name: value.function.name } } };
  throw new TranslationError(
    `tool_choice must be none, auto, required or {"type":"function","function":{"name"}}, not ${JSON.stringify(value)}`,
  );
};

/** Several answers (`n`) for whole answers only: the gateway's stream carries one answer. */
const answers: FieldMapping = (value, request) => (request.stream ? undefined : { n: value });

/**
 * `/v1/chat/completions`: Mistral answers 422 to a field it does not know, so only these are
 * sent. Mistral's own fields first, then OpenAI's names, so that the configured options win.
 * Mapped: `seed` → `random_seed`, `max_completion_tokens` → `max_tokens`, `tool_choice`
 * `required` → `any`. Not sent: `stream_options` (Mistral streams report usage by themselves),
 * `user`, `top_k`, `logprobs`, `top_logprobs`, `logit_bias`, `store`, `service_tier`,
 * `modalities`, `audio`, `web_search_options`, ...
 */
const CHAT_FIELDS: FieldTable = {
  ...sentAsGiven(['random_seed', 'safe_prompt', 'prompt_mode', 'guardrails']),
  max_completion_tokens: sendAs('max_tokens'),
  max_tokens: sendAs('max_tokens'),
  temperature: sendAs('temperature'),
  top_p: sendAs('top_p'),
  stop: sendAs('stop'),
  seed: sendAs('random_seed'),
  presence_penalty: sendAs('presence_penalty'),
  frequency_penalty: sendAs('frequency_penalty'),
  n: answers,
  response_format: sendAs('response_format'),
  tools,
  tool_choice: toolChoice,
  parallel_tool_calls: sendAs('parallel_tool_calls'),
  prediction: sendAs('prediction'),
  metadata: sendAs('metadata'),
  reasoning_effort: sendAs('reasoning_effort'),
  prompt_cache_key: sendAs('prompt_cache_key'),
};

/**
 * Mistral's chat body for an OpenAI chat body (configured options merged): the allow-listed
 * fields, the messages in Mistral's form, the resolved model and an explicit `stream`. A new
 * object; the client's body is never changed.
 */
export function translateMistralChatRequest(client: ClientBody, request: ProviderRequest): TranslatedRequest {
  const { messages } = client as ChatCompletionRequest;
  return {
    body: {
      ...mapFields(client, CHAT_FIELDS, request),
      model: request.model.name,
      stream: request.stream,
      messages: toMistralMessages(Array.isArray(messages) ? messages : []),
    },
  };
}
