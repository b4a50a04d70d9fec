import type { Redis } from 'ioredis';

/** The Redis server tests use; shared with other runs, so every key goes under a prefix of one's own. */
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Deletes every key under `<prefix>:` (SCAN, never KEYS or FLUSH*: the server is shared). Returns how many. */
export async function deleteRedisKeys(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  // SCAN may return a key more than once; DEL of a missing key is harmless. Bounded by the keyspace.
  for (let round = 0; round < 10_000; round += 1) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) deleted += await redis.del(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  return deleted;
}
