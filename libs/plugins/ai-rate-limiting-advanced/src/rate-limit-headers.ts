import type { ProviderId, WindowUsage } from '@switchyard/plugin-api';

/** A count as a header shows it: whole tokens, or a cost to six decimals. */
function shown(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Math.floor(value * 1e6) / 1e6);
}

/**
 * Kong's headers for one provider's windows: `X-AI-RateLimit-Limit-<window>-<provider>`,
 * `-Remaining-` (never below 0) and `-Reset-` (whole seconds until the window's bucket ends).
 */
export function rateLimitHeaders(
  provider: ProviderId,
  windows: readonly WindowUsage[],
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const window of windows) {
    const suffix = `${window.size}-${provider}`;
    headers[`x-ai-ratelimit-limit-${suffix}`] = shown(window.limit);
    headers[`x-ai-ratelimit-remaining-${suffix}`] = shown(Math.max(0, window.limit - window.used));
    headers[`x-ai-ratelimit-reset-${suffix}`] = String(Math.ceil(window.resetSeconds));
  }
  return headers;
}
