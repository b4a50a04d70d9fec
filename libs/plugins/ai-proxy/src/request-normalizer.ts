import { GatewayError } from '@switchyard/plugin-api';
import type { LlmRouteType, ModelOptions } from '@switchyard/plugin-api';
import type { AiProxyConfig } from './ai-proxy.config.js';
import { checkJsonDepth } from './json-depth.js';

/** A parsed client body that passed Kong's prompt check; owned by one request, so it may be changed. */
export type ClientBody = Record<string, unknown>;

const NO_VALID_PROMPTS = "request body doesn't contain valid prompts";

function hasMessages(body: ClientBody): boolean {
  return Array.isArray(body.messages) && body.messages.length > 0;
}

function hasPrompt(body: ClientBody): boolean {
  return typeof body.prompt === 'string';
}

/**
 * Parses the client's JSON body once. Anything but an object with non-empty `messages` or a
 * string `prompt` is a 400, bad JSON included (Kong's `validate_incoming`; its "bad JSON
 * formatting" message cannot be reached, so neither is it here), and so is a body nested
 * deeper than `MAX_JSON_DEPTH`.
 */
export function parseClientBody(raw: Buffer): ClientBody {
  checkJsonDepth(raw);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new GatewayError(400, NO_VALID_PROMPTS);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new GatewayError(400, NO_VALID_PROMPTS);
  const record = body as ClientBody;
  if (!hasMessages(record) && !hasPrompt(record)) throw new GatewayError(400, NO_VALID_PROMPTS);
  return record;
}

/** Kong's `llm.is_compatible`: a chat body on a chat route, a prompt body on a completions route. */
export function checkRouteFormat(body: ClientBody, routeType: LlmRouteType): void {
  const chat = hasMessages(body);
  if (chat && hasPrompt(body)) throw new GatewayError(400, 'request matches multiple LLM request formats');
  const format: LlmRouteType = chat ? 'llm/v1/chat' : 'llm/v1/completions';
  if (format !== routeType) {
    throw new GatewayError(
      400,
      `[${format}] message format is not compatible with [${routeType}] route type`,
    );
  }
}

const TUNING_OPTIONS = ['max_tokens', 'temperature', 'top_p', 'top_k'] as const;

/** Kong's `merge_config_defaults`: a configured tuning option overrides the client's value. */
export function applyTuningOptions(body: ClientBody, options: ModelOptions): void {
  for (const name of TUNING_OPTIONS) {
    const value = options[name];
    if (value !== null && value !== undefined) body[name] = value;
  }
}

/**
 * Whether the answer is streamed: the client asked (`stream: true`) or the config says
 * `always`. Asking while the config says `deny` is a 400.
 */
export function decideStreaming(body: ClientBody, streaming: AiProxyConfig['response_streaming']): boolean {
  if (body.stream !== true && streaming !== 'always') return false;
  if (streaming === 'deny') throw new GatewayError(400, 'response streaming is not enabled for this LLM');
  body.stream = true;
  return true;
}
