import { GatewayError } from '@switchyard/plugin-api';
import type { ClientFormat, LlmRequestState, RequestContext } from '@switchyard/plugin-api';
import { checkRequestBodyEncoding } from '../exchange/content-encoding.js';
import { checkJsonDepth } from './json-depth.js';
import { NO_VALID_PROMPTS } from './request-normalizer.js';

/** Kong's 400 when a prompt plugin (template, decorator, guard) gets a body that is not a JSON object. */
export const ONLY_JSON_REQUESTS = 'this LLM route only supports application/json requests';

/** `raw` as a JSON object; anything else is a 400 with `message`. */
function parseJsonObject(raw: Buffer, message: string): Record<string, unknown> {
  checkJsonDepth(raw);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new GatewayError(400, message);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError(400, message);
  return body as Record<string, unknown>;
}

/**
 * The request body as the plugins that run now see it: the one the route's plugins forward so
 * far (`ctx.upstream.body`), which is the client's unless an earlier plugin rewrote it (key-auth
 * removing the key it hides, `replaceRequestBody`). The client's own bytes must come
 * uncompressed (415); a rewritten body is the gateway's own and never is.
 */
export function currentRequestBody(ctx: RequestContext): Buffer {
  const body = ctx.upstream.body;
  if (body === ctx.request.body) checkRequestBodyEncoding(ctx.request.headers);
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/**
 * Puts `body` in place of the request's body (Kong's `kong.service.request.set_raw_body`): it
 * goes upstream, and the plugins that run later read it instead of the client's. `ctx.llm` is
 * dropped, so that the next AI plugin parses the new body (`ai-request-transformer` runs before
 * the prompt plugins and `ai-proxy`, which translate what it wrote).
 */
export function replaceRequestBody(ctx: RequestContext, body: Buffer): void {
  ctx.llm = undefined;
  ctx.upstream.body = body;
  // The body is the gateway's own now: it has its own length and no encoding.
  delete ctx.upstream.headers['content-length'];
  delete ctx.upstream.headers['content-encoding'];
}

/**
 * A 413 when the request body as the plugins that run now see it (`ctx.upstream.body`) is larger
 * than a plugin's `max_request_body_size` (`limit` bytes), naming the setting. (Kong hands the
 * limit to `get_raw_body`, which enforces it only for bodies nginx spooled to disk, and then fails
 * with a bad-body 400; every body over it gets the 413 here.)
 */
export function checkRequestBodySize(ctx: RequestContext, limit: number): void {
  const size = Buffer.byteLength(ctx.upstream.body);
  if (size <= limit) return;
  throw new GatewayError(
    413,
    `request body is larger than max_request_body_size (${limit} bytes); raise config.max_request_body_size or send a smaller request`,
  );
}

/**
 * The request's `ctx.llm`: parsed from the request body (`currentRequestBody`) by the first AI
 * plugin that asks, and the same object for every later one, so that a prompt plugin's change
 * reaches `ai-proxy`. A body that is not a JSON object is Kong's 400 "request body doesn't contain
 * valid prompts"; a compressed one a 415, one nested deeper than `MAX_JSON_DEPTH` a 400. A request
 * an earlier plugin read in another format than `format` is a 400: the prompt plugins read
 * OpenAI-format requests, and a native client's body rewritten as one would reach the model garbled.
 */
export function llmRequestOf(ctx: RequestContext, format: ClientFormat = 'openai'): LlmRequestState {
  if (ctx.llm) {
    if (ctx.llm.format === format) return ctx.llm;
    throw new GatewayError(
      400,
      `this route's clients speak the ${format} API (config.llm_format), but a plugin before it read the request as ${ctx.llm.format}: the AI prompt plugins (template, decorator, guard) work on OpenAI-format requests only; remove them from this route or use llm_format=openai`,
    );
  }
  return (ctx.llm = { format, body: parseJsonObject(currentRequestBody(ctx), NO_VALID_PROMPTS) });
}

/**
 * `ctx.llm` as the prompt plugins read it (`llmRequestOf`), with their message for a body that
 * is not a JSON object: Kong's 400 "this LLM route only supports application/json requests".
 */
export function promptRequestOf(ctx: RequestContext): LlmRequestState {
  if (ctx.llm) return ctx.llm;
  return (ctx.llm = { format: 'openai', body: parseJsonObject(currentRequestBody(ctx), ONLY_JSON_REQUESTS) });
}

/**
 * Makes `body` the request (Kong's `kong.service.request.set_body(body, "application/json")`):
 * it goes upstream as JSON (to a service without `ai-proxy` too), and becomes `ctx.llm` in the
 * same client format, so that the plugins that run later (`ai-proxy`) read it without parsing it
 * again. The prompt plugins rewrite the request through it.
 */
export function rewriteLlmRequest(ctx: RequestContext, body: Record<string, unknown>): void {
  const format = ctx.llm?.format ?? 'openai';
  replaceRequestBody(ctx, Buffer.from(JSON.stringify(body)));
  ctx.upstream.headers['content-type'] = 'application/json';
  ctx.llm = { format, body };
}
