import { GatewayError, TranslationError } from '@switchyard/plugin-api';
import type {
  ChatCompletionRequest,
  ClientBody,
  CompletionRequest,
  ProviderRequest,
  ToolChoice,
  ToolDefinition,
  TranslatedRequest,
  TuningParameters,
} from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';
import { toAnthropicConversation } from './anthropic.messages.js';
import type { AnthropicTool, AnthropicToolChoice } from './anthropic.types.js';

/**
 * The `max_tokens` sent when neither the config nor the client gives one: Anthropic requires
 * the field, and every current Claude model can produce this many.
 */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

type AnthropicBody = Record<string, unknown>;

/**
 * The output limit: the configured `max_tokens` option, else the client's `max_completion_tokens`
 * or `max_tokens`, else {@link ANTHROPIC_DEFAULT_MAX_TOKENS}.
 */
function maxTokens(body: TuningParameters, request: ProviderRequest): number {
  const candidates = [request.model.options.max_tokens, body.max_completion_tokens, body.max_tokens];
  return (
    candidates.find((value): value is number => typeof value === 'number') ?? ANTHROPIC_DEFAULT_MAX_TOKENS
  );
}

/**
 * What both APIs share: the resolved model, an explicit `stream`, the sampling parameters they
 * have, `stop` as `stop_sequences` and `user` as `metadata.user_id`. Every other OpenAI field
 * is left out: Anthropic refuses fields it does not know.
 */
function commonFields(body: TuningParameters, request: ProviderRequest): AnthropicBody {
  const upstream: AnthropicBody = { model: request.model.name, stream: request.stream };
  for (const name of ['temperature', 'top_p', 'top_k'] as const) {
    if (typeof body[name] === 'number') upstream[name] = body[name];
  }
  if (typeof body.stop === 'string') upstream.stop_sequences = [body.stop];
  else if (Array.isArray(body.stop) && body.stop.length > 0) upstream.stop_sequences = body.stop;
  if (typeof body.user === 'string' && body.user !== '') upstream.metadata = { user_id: body.user };
  return upstream;
}

/** `anthropic-version`, which every request needs (the config requires the option; a template may resolve empty). */
export function versionHeader(request: ProviderRequest): Record<string, string> {
  const version = request.model.options.anthropic_version;
  if (!version)
    throw new GatewayError(500, "must set 'model.options.anthropic_version' for anthropic provider");
  return { 'anthropic-version': version };
}

function toAnthropicTool(tool: ToolDefinition): AnthropicTool {
  if (tool.type !== 'function' || !isRecord(tool.function) || typeof tool.function.name !== 'string')
    throw new TranslationError(
      `only function tools ({"type":"function","function":{"name",...}}) are supported by anthropic`,
    );
  const { name, description, parameters } = tool.function;
  return {
    name,
    ...(description !== undefined && { description }),
    input_schema: parameters ?? { type: 'object', properties: {} },
  };
}

/** `tool_choice` in Anthropic's words, with `parallel_tool_calls: false` as `disable_parallel_tool_use`. */
function toAnthropicToolChoice(
  choice: ToolChoice | undefined,
  parallel: boolean | undefined,
): AnthropicToolChoice | undefined {
  const serial = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return parallel === false ? { type: 'auto', ...serial } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...serial };
  if (choice === 'required') return { type: 'any', ...serial };
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string')
    return { type: 'tool', name: choice.function.name, ...serial };
  throw new TranslationError(
    `tool_choice must be none, auto, required or {"type":"function","function":{"name"}}, not ${JSON.stringify(choice)}`,
  );
}

/**
 * `/v1/messages` for an OpenAI chat body: system and developer messages become `system`, the
 * other messages alternating user and assistant turns (see `toAnthropicConversation`), `tools`
 * and `tool_choice` Anthropic's, `max_tokens` always set. A new object; the client's body is
 * never changed.
 */
export function translateAnthropicChatRequest(
  client: ClientBody,
  request: ProviderRequest,
): TranslatedRequest {
  const body = client as ChatCompletionRequest;
  const { system, messages } = toAnthropicConversation(body.messages);
  const upstream: AnthropicBody = {
    ...commonFields(body, request),
    max_tokens: maxTokens(body, request),
    messages,
  };
  if (system !== undefined) upstream.system = system;
  // Anthropic takes `tool_choice` only with tools.
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    upstream.tools = body.tools.map(toAnthropicTool);
    const choice = toAnthropicToolChoice(body.tool_choice, body.parallel_tool_calls);
    if (choice) upstream.tool_choice = choice;
  }
  return { body: upstream, headers: versionHeader(request) };
}

/** `/v1/complete` for an OpenAI completions body: the prompt as one Human turn, `max_tokens_to_sample` always set. */
export function translateAnthropicCompleteRequest(
  client: ClientBody,
  request: ProviderRequest,
): TranslatedRequest {
  const body = client as CompletionRequest;
  const prompt = Array.isArray(body.prompt) ? body.prompt.join('\n') : body.prompt;
  const upstream: AnthropicBody = {
    ...commonFields(body, request),
    prompt: `\n\nHuman: ${prompt}\n\nAssistant:`,
    max_tokens_to_sample: maxTokens(body, request),
  };
  return { body: upstream, headers: versionHeader(request) };
}
