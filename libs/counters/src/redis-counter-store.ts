import type { Redis } from 'ioredis';
import type {
  CounterStore,
  CounterWindow,
  Reservation,
  ReservedBucket,
  WindowType,
  WindowUsage,
} from '@switchyard/plugin-api';
import { windowUsage } from './window-math.js';

// The window count of `window-math.ts`, on Redis's clock so that every node agrees on the
// buckets. Bucket keys are `<base>:<size>:<start>`, built here from KEYS[1]: one Redis (not a
// Redis Cluster) holds them all. Each bucket lives two windows (current, then previous).
const COUNT = `
local function count(base, size, now, sliding)
  local start = math.floor(now / size) * size
  local current = tonumber(redis.call('GET', base .. ':' .. size .. ':' .. start) or '0')
  if not sliding then return start, current end
  local previous = tonumber(redis.call('GET', base .. ':' .. size .. ':' .. (start - size)) or '0')
  return start, current + previous * (size - (now - start)) / size
end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
`;

// KEYS[1]: base. ARGV: amount, sliding (1|0), then size and limit per window.
// Returns {granted, now, start1, used1, start2, used2, ...} (numbers as strings).
const RESERVE_SCRIPT = `${COUNT}
local amount, sliding = tonumber(ARGV[1]), ARGV[2] == '1'
local starts, used, granted = {}, {}, 1
for i = 3, #ARGV, 2 do
  local size, limit = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local start, count_now = count(KEYS[1], size, now, sliding)
  starts[#starts + 1], used[#used + 1] = start, count_now
  if count_now >= limit or count_now + amount > limit then granted = 0 end
end
local out = {tostring(granted), tostring(now)}
for j = 1, #starts do
  local size = tonumber(ARGV[1 + 2 * j])
  if granted == 1 then
    local key = KEYS[1] .. ':' .. size .. ':' .. starts[j]
    redis.call('INCRBYFLOAT', key, amount)
    redis.call('EXPIRE', key, 2 * size)
    used[j] = used[j] + amount
  end
  out[#out + 1], out[#out + 2] = tostring(starts[j]), tostring(used[j])
end
return out
`;

// KEYS[1]: base. ARGV: delta, then size and start per bucket. Buckets that expired stay gone;
// a bucket never goes below zero.
const SETTLE_SCRIPT = `
local delta = tonumber(ARGV[1])
for i = 2, #ARGV, 2 do
  local key = KEYS[1] .. ':' .. ARGV[i] .. ':' .. ARGV[i + 1]
  if redis.call('EXISTS', key) == 1 then
    if tonumber(redis.call('INCRBYFLOAT', key, delta)) < 0 then
      redis.call('SET', key, '0', 'KEEPTTL')
    end
  end
end
return 1
`;

// KEYS[1]: base. ARGV: sliding, then sizes. Returns {now, used1, used2, ...}.
const USAGE_SCRIPT = `${COUNT}
local out = {tostring(now)}
for i = 2, #ARGV do
  local _, count_now = count(KEYS[1], tonumber(ARGV[i]), now, ARGV[1] == '1')
  out[#out + 1] = tostring(count_now)
end
return out
`;

/** The scripts as `defineCommand` adds them to the client. */
interface CountingScripts {
  aiReserve(base: string, ...args: (string | number)[]): Promise<string[]>;
  aiSettle(base: string, ...args: (string | number)[]): Promise<number>;
  aiUsage(base: string, ...args: (string | number)[]): Promise<string[]>;
}

/**
 * Counters in Redis, shared by every proxy node on the same Redis and prefix: each check is one
 * Lua script (atomic: concurrent reservations from any node never both take the last room), on
 * Redis's clock. The client fails fast (no offline queue, the connection's command timeout), so
 * an unreachable Redis rejects at once rather than holding the request.
 */
export class RedisCounterStore implements CounterStore {
  readonly kind = 'redis';
  private readonly scripts: CountingScripts;

  /** `prefix` is the deployment's (`REDIS_PREFIX`); keys are `<prefix>:ai-rate-limiting:<key>:...`. */
  constructor(
    client: Redis,
    private readonly prefix: string,
  ) {
    client.defineCommand('aiReserve', { numberOfKeys: 1, lua: RESERVE_SCRIPT });
    client.defineCommand('aiSettle', { numberOfKeys: 1, lua: SETTLE_SCRIPT });
    client.defineCommand('aiUsage', { numberOfKeys: 1, lua: USAGE_SCRIPT });
    this.scripts = client as unknown as CountingScripts;
  }

  async reserve(
    key: string,
    windows: readonly CounterWindow[],
    amount: number,
    type: WindowType,
  ): Promise<Reservation> {
    const args = [amount, type === 'sliding' ? 1 : 0, ...windows.flatMap((w) => [w.size, w.limit])];
    const [granted, now, ...states] = await this.scripts.aiReserve(this.base(key), ...args);
    const at = Number(now);
    const starts = windows.map((_, i) => Number(states[2 * i]));
    return {
      granted: granted === '1',
      windows: windows.map((window, i) => windowUsage(window, at, Number(states[2 * i + 1]))),
      buckets: granted === '1' ? windows.map((window, i) => ({ size: window.size, start: starts[i]! })) : [],
    };
  }

  async settle(key: string, buckets: readonly ReservedBucket[], delta: number): Promise<void> {
    if (buckets.length === 0 || delta === 0) return;
    await this.scripts.aiSettle(this.base(key), delta, ...buckets.flatMap((b) => [b.size, b.start]));
  }

  async usage(
    key: string,
    windows: readonly CounterWindow[],
    type: WindowType,
  ): Promise<readonly WindowUsage[]> {
    const [now, ...used] = await this.scripts.aiUsage(
      this.base(key),
      type === 'sliding' ? 1 : 0,
      ...windows.map((w) => w.size),
    );
    return windows.map((window, i) => windowUsage(window, Number(now), Number(used[i])));
  }

  private base(key: string): string {
    return `${this.prefix}:ai-rate-limiting:${key}`;
  }
}
