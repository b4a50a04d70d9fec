import { TranslationError } from '@switchyard/plugin-api';
import type {
  ChatCompletionRequest,
  ClientBody,
  CompletionRequest,
  ProviderRequest,
  TranslatedRequest,
} from '@switchyard/plugin-api';
import { isRecord, mapFields, sendAs, sentAsGiven } from '@switchyard/provider-openai-compatible';
import type { FieldMapping, FieldTable } from '@switchyard/provider-openai-compatible';
import { llama2ChatPrompt, llama2CompletionPrompt } from './llama2.prompt.js';

/** A number sent only within the bounds a text-generation server accepts (it answers 422 otherwise). */
const within =
  (name: string, accepts: (value: number) => boolean): FieldMapping =>
  (value) =>
    typeof value === 'number' && accepts(value) ? { [name]: value } : undefined;

/** OpenAI's `stop` (a string or a list) as a list. */
const stopList: FieldMapping = (value) => ({ stop: typeof value === 'string' ? [value] : value });

/** OpenAI's `response_format` as a JSON grammar (`{"type":"json","value":<schema>}`). */
const grammar: FieldMapping = (value) => {
  const format = isRecord(value) ? value : {};
  if (format.type === 'text') return undefined;
  if (format.type === 'json_object') return { grammar: { type: 'json', value: { type: 'object' } } };
  const schema = isRecord(format.json_schema) ? format.json_schema.schema : undefined;
  if (format.type === 'json_schema' && isRecord(schema)) return { grammar: { type: 'json', value: schema } };
  throw new TranslationError(`response_format ${JSON.stringify(value)} has no llama2 raw equivalent`);
};

/**
 * The `parameters` of a text-generation server (Hugging Face TGI's), mapped from OpenAI's
 * fields (Kong's `max_new_tokens`, `temperature`, `top_p`, `top_k`, and the others it has).
 * Values it refuses mean "no change" in OpenAI's words, and are not sent: `temperature` 0
 * (greedy decoding, its default), `top_p` 1, `top_k` 0. Not sent: `n`, `presence_penalty`,
 * `logprobs`, `logit_bias`, `user`, `stream_options`, `tools` (refused: a raw prompt has none), ...
 */
const PARAMETER_FIELDS: FieldTable = {
  ...sentAsGiven(['repetition_penalty', 'typical_p', 'truncate', 'do_sample', 'watermark']),
  max_completion_tokens: sendAs('max_new_tokens'),
  max_tokens: sendAs('max_new_tokens'),
  temperature: within('temperature', (value) => value > 0),
  top_p: within('top_p', (value) => value > 0 && value < 1),
  top_k: within('top_k', (value) => value > 0),
  seed: sendAs('seed'),
  stop: stopList,
  frequency_penalty: sendAs('frequency_penalty'),
  response_format: grammar,
};

/**
 * `{inputs, parameters, stream}`: `details` asks for the finish reason and the generated
 * token count; `stream` goes where the server reads it (Kong also puts it in `parameters`).
 */
function rawBody(inputs: string, client: ClientBody, request: ProviderRequest): TranslatedRequest {
  return {
    body: {
      inputs,
      parameters: { ...mapFields(client, PARAMETER_FIELDS, request), details: true },
      stream: request.stream,
    },
  };
}

/** A text-generation server's body for an OpenAI chat body: the Llama 2 prompt of the conversation. */
export function translateLlama2RawChatRequest(
  client: ClientBody,
  request: ProviderRequest,
): TranslatedRequest {
  const { messages, tools } = client as ChatCompletionRequest;
  if (Array.isArray(tools) && tools.length > 0)
    throw new TranslationError('llama2_format raw cannot call tools: use llama2_format ollama or openai');
  return rawBody(llama2ChatPrompt(Array.isArray(messages) ? messages : []), client, request);
}

/** A text-generation server's body for an OpenAI completions body: one prompt, in Kong's instruction. */
export function translateLlama2RawCompletionRequest(
  client: ClientBody,
  request: ProviderRequest,
): TranslatedRequest {
  const { prompt } = client as CompletionRequest;
  const list = Array.isArray(prompt) ? prompt : [prompt];
  if (list.length !== 1 || typeof list[0] !== 'string')
    throw new TranslationError('llama2 generates one answer per request: send one prompt, as a string');
  return rawBody(llama2CompletionPrompt(list[0]), client, request);
}
