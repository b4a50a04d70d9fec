import type { Redis } from 'ioredis';

/** One client connection as `CLIENT LIST` shows it. */
export interface RedisClientInfo {
  readonly id: string;
  readonly name: string;
}

/**
 * The connections whose name starts with `<prefix>:`: the config buses of one cluster name theirs
 * `<prefix>:bus-data` and `<prefix>:bus-subscriber`, so a test finds its own apps' connections
 * on a Redis that other runs share.
 */
export async function listRedisClients(redis: Redis, prefix: string): Promise<RedisClientInfo[]> {
  const list = (await redis.client('LIST')) as string;
  return list
    .split('\n')
    .map((line) => ({ id: /^id=(\d+)/.exec(line)?.[1], name: /(?:^| )name=(\S*)/.exec(line)?.[1] }))
    .filter(
      (client): client is RedisClientInfo =>
        client.id !== undefined && client.name?.startsWith(`${prefix}:`) === true,
    );
}

/**
 * `CLIENT KILL ID` for every connection named `<prefix>:...` (and no other: the server is
 * shared). Resolves to the connections killed.
 */
export async function killRedisClients(redis: Redis, prefix: string): Promise<RedisClientInfo[]> {
  const clients = await listRedisClients(redis, prefix);
  const killed: RedisClientInfo[] = [];
  for (const client of clients) {
    // 0 when it went away on its own meanwhile.
    const count = (await redis.client('KILL', 'ID', client.id)) as number;
    if (count > 0) killed.push(client);
  }
  return killed;
}
