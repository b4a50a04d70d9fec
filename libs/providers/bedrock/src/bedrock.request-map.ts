import { TranslationError } from '@switchyard/plugin-api';
import type {
  ChatCompletionRequest,
  ClientBody,
  ProviderRequest,
  ToolChoice,
  ToolDefinition,
  TranslatedRequest,
} from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';
import { toBedrockConversation } from './bedrock.messages.js';
import type { BedrockToolChoice, BedrockToolSpec } from './bedrock.types.js';

type BedrockBody = Record<string, unknown>;

/**
 * Models that refuse a system prompt, as Kong lists them (`bedrock_unsupported_system_role_patterns`:
 * Titan, Cohere Command (Light) Text, Mistral 7B Instruct, Mixtral 8x7B Instruct).
 */
const NO_SYSTEM_PROMPT_MODELS: readonly RegExp[] = [
  /amazon.titan/,
  /cohere.command.*text/,
  /mistral.mistral.*7b.*instruct/,
  /mistral.mixtral.*8x7b.*instruct/,
];

/**
 * `inferenceConfig`: the output limit (the configured `max_tokens` option, else the client's
 * `max_completion_tokens` or `max_tokens`), `temperature`, `top_p` as `topP` and `stop` as
 * `stopSequences`; `undefined` when none is given.
 */
function inferenceConfig(body: ChatCompletionRequest, request: ProviderRequest): BedrockBody | undefined {
  const config: BedrockBody = {};
  const maxTokens = [request.model.options.max_tokens, body.max_completion_tokens, body.max_tokens].find(
    (value): value is number => typeof value === 'number',
  );
  if (maxTokens !== undefined) config.maxTokens = maxTokens;
  if (typeof body.temperature === 'number') config.temperature = body.temperature;
  if (typeof body.top_p === 'number') config.topP = body.top_p;
  if (typeof body.stop === 'string') config.stopSequences = [body.stop];
  else if (Array.isArray(body.stop) && body.stop.length > 0) config.stopSequences = body.stop;
  return Object.keys(config).length > 0 ? config : undefined;
}

function toolSpec(tool: ToolDefinition): BedrockToolSpec {
  if (tool.type !== 'function' || !isRecord(tool.function) || typeof tool.function.name !== 'string')
    throw new TranslationError(
      'only function tools ({"type":"function","function":{"name",...}}) are supported by bedrock',
    );
  const { name, description, parameters } = tool.function;
  return {
    toolSpec: {
      name,
      ...(description !== undefined && { description }),
      inputSchema: { json: parameters ?? { type: 'object', properties: {} } },
    },
  };
}

/** `tool_choice` in Converse's words (`none` has none: it is no `toolChoice`, see `toolConfig`). */
function toolChoice(choice: ToolChoice | undefined): BedrockToolChoice | undefined {
  if (choice === undefined || choice === 'none') return undefined;
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string')
    return { tool: { name: choice.function.name } };
  throw new TranslationError(
    `tool_choice must be none, auto, required or {"type":"function","function":{"name"}}, not ${JSON.stringify(choice)}`,
  );
}

/**
 * `toolConfig` from `tools` and `tool_choice`. Converse has no "none": with `tool_choice: none`
 * the tools are left out, unless the conversation already has tool calls or results, which
 * Converse reads only with the tools declared.
 */
function toolConfig(body: ChatCompletionRequest, usesTools: boolean): BedrockBody | undefined {
  if (!Array.isArray(body.tools) || body.tools.length === 0) return undefined;
  if (body.tool_choice === 'none' && !usesTools) return undefined;
  const choice = toolChoice(body.tool_choice);
  return { tools: body.tools.map(toolSpec), ...(choice && { toolChoice: choice }) };
}

/** A native Converse member the client passes through (`guardrailConfig`), which must be an object. */
function passedThrough(value: unknown, name: string): BedrockBody | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new TranslationError(`${name} must be an object`);
  return value;
}

/**
 * Converse's body (`/model/{model}/converse` and `/converse-stream`) for an OpenAI chat body: the
 * conversation (see `toBedrockConversation`), `inferenceConfig`, `toolConfig`, and Bedrock's own
 * members as Kong passes them: `guardrailConfig` and `bedrock.additionalModelRequestFields`. The
 * model and the stream are the path's. Every other OpenAI field is left out. A new object; the
 * client's body is never changed.
 */
export function translateBedrockChatRequest(client: ClientBody, request: ProviderRequest): TranslatedRequest {
  const body = client as ChatCompletionRequest;
  const { system, messages, usesTools } = toBedrockConversation(body.messages);
  const upstream: BedrockBody = { messages };
  if (system.length > 0) {
    const model = request.model.name;
    if (NO_SYSTEM_PROMPT_MODELS.some((pattern) => pattern.test(model)))
      throw new TranslationError(`system prompts are unsupported for model '${model}'`);
    upstream.system = system;
  }
  const inference = inferenceConfig(body, request);
  if (inference) upstream.inferenceConfig = inference;
  const tools = toolConfig(body, usesTools);
  if (tools) upstream.toolConfig = tools;
  const guardrail = passedThrough(body.guardrailConfig, 'guardrailConfig');
  if (guardrail) upstream.guardrailConfig = guardrail;
  const native = isRecord(body.bedrock) ? body.bedrock : {};
  const additional = passedThrough(
    native.additionalModelRequestFields,
    'bedrock.additionalModelRequestFields',
  );
  if (additional) upstream.additionalModelRequestFields = additional;
  return { body: upstream };
}
