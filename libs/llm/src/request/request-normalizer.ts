import { GatewayError } from '@switchyard/plugin-api';
import type {
  ClientApi,
  ClientBody,
  CompletionRouteType,
  EmbeddingEncoding,
  LlmRouteType,
  ModelOptions,
} from '@switchyard/plugin-api';
import { checkEmbeddingsRequest } from './embeddings-request.js';
import { resolveModelName } from './model-resolver.js';

/** Kong's answer to a body that is no LLM request. */
export const NO_VALID_PROMPTS = "request body doesn't contain valid prompts";

function hasMessages(body: ClientBody): boolean {
  return Array.isArray(body.messages) && body.messages.length > 0;
}

function hasPrompt(body: ClientBody): boolean {
  return typeof body.prompt === 'string';
}

/**
 * Kong's `validate_incoming` for an OpenAI-format body: an object with non-empty `messages` or a
 * string `prompt`, else a 400 (Kong's "bad JSON formatting" message cannot be reached, so
 * neither is it here).
 */
export function checkPrompts(body: ClientBody): void {
  if (!hasMessages(body) && !hasPrompt(body)) throw new GatewayError(400, NO_VALID_PROMPTS);
}

/** Kong's `llm.is_compatible`: a chat body on a chat route, a prompt body on a completions route. */
export function checkRouteFormat(body: ClientBody, routeType: CompletionRouteType): void {
  const chat = hasMessages(body);
  if (chat && hasPrompt(body)) throw new GatewayError(400, 'request matches multiple LLM request formats');
  const format: CompletionRouteType = chat ? 'llm/v1/chat' : 'llm/v1/completions';
  if (format !== routeType) {
    throw new GatewayError(
      400,
      `[${format}] message format is not compatible with [${routeType}] route type`,
    );
  }
}

const TUNING_OPTIONS = ['max_tokens', 'temperature', 'top_p', 'top_k'] as const;

/**
 * Kong's `merge_config_defaults`: a configured tuning option overrides the client's value. A new
 * body when any option is set (the client's is kept as it came), else the client's own.
 */
export function withTuningOptions(body: ClientBody, options: ModelOptions): ClientBody {
  let merged: Record<string, unknown> | undefined;
  for (const name of TUNING_OPTIONS) {
    const value = options[name];
    if (value !== null && value !== undefined) (merged ??= { ...body })[name] = value;
  }
  return merged ?? body;
}

/**
 * Whether the answer is streamed: the client asked (`stream: true`) or the config says
 * `always`. Asking while the config says `deny` is a 400.
 */
export function decideStreaming(body: ClientBody, streaming: 'allow' | 'deny' | 'always'): boolean {
  if (body.stream !== true && streaming !== 'always') return false;
  if (streaming === 'deny') throw new GatewayError(400, 'response streaming is not enabled for this LLM');
  return true;
}

/** Whether an OpenAI-format client asked for the stream's usage chunk (`stream_options.include_usage`). */
export function clientWantsStreamUsage(body: ClientBody): boolean {
  const options = body.stream_options;
  return (
    typeof options === 'object' &&
    options !== null &&
    (options as { include_usage?: unknown }).include_usage === true
  );
}

/** A client request once checked against its route type. */
export interface NormalizedLlmRequest {
  /** The model that serves it (see `resolveModelName`). */
  readonly name: string;
  readonly stream: boolean;
  /** Embeddings only: the vector encoding the client wants. */
  readonly encodingFormat?: EmbeddingEncoding;
}

/** What a target brings to `normalizeLlmRequest`. */
export interface LlmRequestRules {
  /** The configured model name (templates resolved), if any. */
  readonly configuredModel: string | undefined;
  /** Kong's `response_streaming`. */
  readonly streaming: 'allow' | 'deny' | 'always';
  /** The client API of a native client format; none for OpenAI clients. */
  readonly clientApi?: ClientApi;
  /**
   * The request path (the route's prefix included), which a native client API reads too: Gemini
   * and Bedrock name the model and the operation there.
   */
  readonly path: string;
  /** A balancer's target: its configured model replaces a different body `model` (see `resolveModelName`). */
  readonly replacesBodyModel?: boolean;
}

/**
 * Kong's `normalize-request`, in its order, for a translated route type. Chat and completions:
 * the prompt check and route format of an OpenAI body (a native client's request is checked by
 * its client API's `read`, which also gives the model and `stream` it asks for, from the body or
 * the path), the model, the
 * streaming decision. Embeddings: the body's shape (`checkEmbeddingsRequest`) and the model;
 * never streamed.
 */
export function normalizeLlmRequest(
  client: ClientBody,
  routeType: LlmRouteType,
  rules: LlmRequestRules,
): NormalizedLlmRequest {
  const { configuredModel, clientApi, replacesBodyModel } = rules;
  if (routeType === 'llm/v1/embeddings') {
    const encodingFormat = checkEmbeddingsRequest(client);
    return {
      name: resolveModelName(configuredModel, client, replacesBodyModel),
      stream: false,
      encodingFormat,
    };
  }
  const asked = clientApi ? clientApi.read(client, rules.path) : client;
  if (!clientApi) checkPrompts(client);
  const name = resolveModelName(configuredModel, asked, replacesBodyModel);
  if (!clientApi) checkRouteFormat(client, routeType);
  return { name, stream: decideStreaming(asked, rules.streaming) };
}

/**
 * The body a translation is given: for chat and completions the body with the configured tuning
 * options (`withTuningOptions`); an embeddings body as it came, since `max_tokens`,
 * `temperature` and the like mean nothing to an embedding model.
 */
export function translationBody(
  body: ClientBody,
  routeType: LlmRouteType,
  options: ModelOptions,
): ClientBody {
  return routeType === 'llm/v1/embeddings' ? body : withTuningOptions(body, options);
}
