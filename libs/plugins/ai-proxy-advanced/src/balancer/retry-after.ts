/** The longest `Retry-After` a target is left alone for, in milliseconds (a provider's typo must not bench it for days). */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * `Retry-After` (RFC 9110: delay seconds, or an HTTP date) as milliseconds from `now`; undefined
 * when absent or unreadable, at most ten minutes.
 */
export function retryAfterMs(
  headers: Readonly<Record<string, string | string[]>> | undefined,
  now: number,
): number | undefined {
  const raw = headers?.['retry-after'];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value) return undefined;
  let ms: number;
  if (/^\d+$/.test(value)) ms = Number(value) * 1000;
  else {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return ms > 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}
