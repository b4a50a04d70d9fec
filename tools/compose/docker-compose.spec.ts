import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '@switchyard/testing';

/** `docker-compose config` validates the file as Docker Compose would, without a Docker engine. */
function composeConfig(): string {
  return execFileSync('docker-compose', ['config'], { cwd: REPO_ROOT, encoding: 'utf8' });
}

describe('docker-compose.yml', () => {
  it('passes docker-compose config and runs postgres, redis, admin, config-sync and 3 proxies', () => {
    const config = parse(composeConfig()) as { services: Record<string, Record<string, unknown>> };
    expect(Object.keys(config.services).sort()).toEqual([
      'admin',
      'config-sync',
      'postgres',
      'proxy',
      'redis',
    ]);
    expect((config.services['proxy']!['deploy'] as { replicas: number }).replicas).toBe(3);
    for (const name of ['postgres', 'redis', 'admin', 'proxy']) {
      expect(config.services[name]!['healthcheck'], `${name} has a healthcheck`).toBeDefined();
    }
    const adminEnv = config.services['admin']!['environment'] as Record<string, string>;
    expect(adminEnv['DATABASE_URL']).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    expect(adminEnv['REDIS_URL']).toBe('redis://redis:6379');
  });
});
