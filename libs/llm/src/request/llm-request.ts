import { GatewayError } from '@switchyard/plugin-api';
import type { ClientFormat, LlmRequestState, RequestContext } from '@switchyard/plugin-api';
import { checkRequestBodyEncoding } from '../exchange/content-encoding.js';
import { checkJsonDepth } from './json-depth.js';
import { NO_VALID_PROMPTS } from './request-normalizer.js';

function parseJsonObject(raw: Buffer): Record<string, unknown> {
  checkJsonDepth(raw);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new GatewayError(400, NO_VALID_PROMPTS);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new GatewayError(400, NO_VALID_PROMPTS);
  return body as Record<string, unknown>;
}

/**
 * The body a route's plugins forward so far, as bytes: the client's, unless a plugin before the
 * AI plugins rewrote it (key-auth removing the key it hides). The LLM core reads this one.
 */
export function forwardedBody(ctx: RequestContext): Buffer {
  const body = ctx.upstream.body;
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/**
 * The request's `ctx.llm`: parsed from the forwarded body by the first AI plugin that asks, and
 * the same object for every later one, so that a prompt plugin's change reaches `ai-proxy`. A
 * body that is not a JSON object is Kong's 400 "request body doesn't contain valid prompts"; a
 * compressed one a 415, one nested deeper than `MAX_JSON_DEPTH` a 400.
 */
export function llmRequestOf(ctx: RequestContext, format: ClientFormat = 'openai'): LlmRequestState {
  if (ctx.llm) return ctx.llm;
  checkRequestBodyEncoding(ctx.request.headers);
  return (ctx.llm = { format, body: parseJsonObject(forwardedBody(ctx)) });
}
