import {
  GatewayMessageError,
  type CounterStore,
  type LlmUsage,
  type PluginHandler,
  type PluginScope,
  type ProviderId,
  type RequestContext,
  type Reservation,
  type ReservedBucket,
  type ResponseHead,
  type WindowUsage,
} from '@switchyard/plugin-api';
import type { AiRateLimitingAdvancedConfig, ProviderLimits } from './ai-rate-limiting-advanced.config.js';
import { callerKey } from './caller-key.js';
import { counterKey } from './counter-key.js';
import { rateLimitHeaders, refusalHeaders, resetSeconds } from './rate-limit-headers.js';
import { countUsage, estimateRequest } from './request-estimate.js';

/**
 * Where the decision is logged (the access log, and the metrics'
 * `switchyard_ai_rate_limit_decisions_total` and `switchyard_ai_rate_limit_remaining`).
 */
const LOG_NAMESPACE = 'ai-rate-limiting-advanced';

/** One provider's reservation of one request. */
interface HeldReservation {
  readonly provider: ProviderId;
  readonly key: string;
  readonly buckets: readonly ReservedBucket[];
}

/** What a request holds between its phases. */
interface RequestHold {
  readonly amount: number;
  readonly reservations: readonly HeldReservation[];
  readonly headers: Readonly<Record<string, string>>;
}

type ProviderReservation = { readonly entry: ProviderLimits; readonly reservation: Reservation };

/** The access log's (and the metrics') entry of one decision, with the room each window had left. */
function decisionEntry(
  allowed: boolean,
  caller: string,
  amount: number,
  results: readonly ProviderReservation[],
) {
  return {
    decision: allowed ? 'allowed' : 'limited',
    identifier: caller,
    reserved: amount,
    windows: results.flatMap(({ entry, reservation }) =>
      reservation.windows.map((window) => ({
        provider: entry.name,
        window_size: window.size,
        limit: window.limit,
        remaining: Math.max(0, window.limit - window.used),
      })),
    ),
  };
}

/**
 * What a request is charged: the LLM answer's usage (a stream cut short counts what was sent).
 * Nothing when no LLM call was made (a later plugin refused the request), or when the provider
 * refused it without counting anything.
 */
function chargedUsage(ctx: RequestContext): LlmUsage | undefined {
  const usage = ctx.llmUsage?.();
  if (!usage) return undefined;
  return usage.reported || ctx.status === undefined || ctx.status < 400 ? usage : undefined;
}

/**
 * The phases of one `ai-rate-limiting-advanced` plugin entity. `access` reserves the request's
 * estimate in every configured provider's windows at once (the provider a request goes to is
 * only known from its answer) and refuses it, with the configured status and message, when one
 * window has no room; `log` settles the reservation of the provider that answered to what the
 * answer really used (what a stream had sent, when the client left) and gives the others back.
 */
export function createAiRateLimitingAdvancedHandler(
  config: AiRateLimitingAdvancedConfig,
  scope: PluginScope,
  counters: CounterStore,
): PluginHandler {
  const holds = new WeakMap<RequestContext, RequestHold>();
  const type = config.window_type;
  const providers = config.llm_providers.map((entry) => ({
    entry,
    windows: entry.limit.map((limit, i) => ({ limit, size: entry.window_size[i]! })),
  }));

  /**
   * The configured refusal, with Kong's headers: every window's limit and remaining, and for the
   * providers over their limit each window's reset, each full window's retry-after, the longest
   * wait (`X-AI-RateLimit-Reset`, `X-AI-RateLimit-Retry-After`) and the standard `Retry-After`
   * (plus the jitter) for HTTP clients that honour it.
   */
  function refusal(
    over: readonly ProviderReservation[],
    headers: Readonly<Record<string, string>>,
    amount: number,
  ): GatewayMessageError {
    const full = (window: WindowUsage) => window.used >= window.limit || window.used + amount > window.limit;
    const wait = Math.max(
      0,
      ...over.flatMap(({ reservation }) => reservation.windows.filter(full).map(resetSeconds)),
    );
    const jitter = config.retry_after_jitter_max > 0 ? Math.random() * config.retry_after_jitter_max : 0;
    const retryAfter = String(Math.ceil(wait + jitter));
    const refused: Record<string, string> = { 'retry-after': retryAfter };
    if (!config.hide_client_headers) {
      Object.assign(refused, headers, {
        'x-ai-ratelimit-reset': String(wait),
        'x-ai-ratelimit-retry-after': retryAfter,
      });
      for (const { entry, reservation } of over)
        Object.assign(refused, refusalHeaders(entry.name, reservation.windows, full));
    }
    const names = over.map(({ entry }) => entry.name).join(', ');
    const message = config.error_hide_providers ? config.error_message : `${config.error_message}${names}`;
    return new GatewayMessageError(config.error_code, message, refused);
  }

  /** Counter-store trouble: a warning and no limit (fail open), or a 503 (fail closed). */
  function unreachable(ctx: RequestContext, error: unknown): void {
    ctx.log[LOG_NAMESPACE] = { decision: 'counters_unreachable', policy: config.redis_failure_policy };
    if (config.strategy === 'redis' && config.redis_failure_policy === 'fail_closed') {
      throw new GatewayMessageError(
        503,
        `AI rate limiting is unavailable: its counters cannot be reached (${(error as Error).message})`,
      );
    }
  }

  function addHeaders(ctx: RequestContext, head: ResponseHead): void {
    const hold = holds.get(ctx);
    if (hold && !config.hide_client_headers) Object.assign(head.headers, hold.headers);
  }

  return {
    async access(ctx) {
      const amount = estimateRequest(ctx, config);
      const caller = callerKey(ctx, config);
      let results;
      try {
        results = await Promise.all(
          providers.map(async ({ entry, windows }) => {
            const key = counterKey(scope.pluginId, entry.name, caller);
            return { entry, key, reservation: await counters.reserve(key, windows, amount, type) };
          }),
        );
      } catch (error) {
        return unreachable(ctx, error);
      }
      const headers: Record<string, string> = {};
      for (const { entry, reservation } of results)
        Object.assign(headers, rateLimitHeaders(entry.name, reservation.windows));
      const over = results.filter((result) => !result.reservation.granted);
      ctx.log[LOG_NAMESPACE] = decisionEntry(over.length === 0, caller, amount, results);
      const reservations = results
        .filter((result) => result.reservation.granted)
        .map(({ entry, key, reservation }) => ({ provider: entry.name, key, buckets: reservation.buckets }));
      if (over.length === 0) {
        return void holds.set(ctx, { amount, reservations, headers });
      }
      // Nothing is sent: what the other providers' windows took is given back.
      await Promise.allSettled(reservations.map((held) => counters.settle(held.key, held.buckets, -amount)));
      throw refusal(over, headers, amount);
    },

    bufferedResponse(ctx, response) {
      addHeaders(ctx, response);
    },

    streamStart(ctx, head) {
      addHeaders(ctx, head);
    },

    log(ctx) {
      const hold = holds.get(ctx);
      holds.delete(ctx);
      if (!hold) return;
      const usage = chargedUsage(ctx);
      for (const held of hold.reservations) {
        const spent = usage?.provider === held.provider ? countUsage(usage, config.tokens_count_strategy) : 0;
        const delta = spent - hold.amount;
        // A settlement Redis misses leaves the estimate counted: the window errs on the safe side.
        if (delta !== 0) counters.settle(held.key, held.buckets, delta).catch(() => undefined);
      }
    },
  };
}
