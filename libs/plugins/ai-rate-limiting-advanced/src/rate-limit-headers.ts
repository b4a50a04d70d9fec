import type { ProviderId, WindowUsage } from '@switchyard/plugin-api';

/** Kong's names of the usual window sizes (seconds), as its rate-limiting plugins spell headers. */
const WINDOW_NAMES: Readonly<Record<number, string>> = {
  1: 'second',
  60: 'minute',
  3600: 'hour',
  86400: 'day',
  2592000: 'month',
  31536000: 'year',
};

/** A window as Kong names it in headers: `minute` for 60 s, its size in seconds otherwise (`300`). */
export function windowName(size: number): string {
  return WINDOW_NAMES[size] ?? String(size);
}

/** A count as a header shows it: whole tokens, or a cost to six decimals. */
function shown(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Math.floor(value * 1e6) / 1e6);
}

/** Whole seconds until a window's bucket ends. */
export function resetSeconds(window: WindowUsage): number {
  return Math.ceil(window.resetSeconds);
}

/**
 * Kong's headers for one provider's windows on every answer:
 * `X-AI-RateLimit-Limit-<window>-<provider>` and `X-AI-RateLimit-Remaining-<window>-<provider>`
 * (what is left after this request's reservation, never below 0).
 */
export function rateLimitHeaders(
  provider: ProviderId,
  windows: readonly WindowUsage[],
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const window of windows) {
    const suffix = `${windowName(window.size)}-${provider}`;
    headers[`x-ai-ratelimit-limit-${suffix}`] = shown(window.limit);
    headers[`x-ai-ratelimit-remaining-${suffix}`] = shown(Math.max(0, window.limit - window.used));
  }
  return headers;
}

/**
 * Kong's extra headers on a refusal, for the windows of a provider over its limit:
 * `X-AI-RateLimit-Reset-<window>-<provider>` for each, `X-AI-RateLimit-Retry-After-<window>-<provider>`
 * for each full one.
 */
export function refusalHeaders(
  provider: ProviderId,
  windows: readonly WindowUsage[],
  full: (window: WindowUsage) => boolean,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const window of windows) {
    const suffix = `${windowName(window.size)}-${provider}`;
    headers[`x-ai-ratelimit-reset-${suffix}`] = String(resetSeconds(window));
    if (full(window)) headers[`x-ai-ratelimit-retry-after-${suffix}`] = String(resetSeconds(window));
  }
  return headers;
}
