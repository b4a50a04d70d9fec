import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('createLogger', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes JSON lines with the message, the fields and the child bindings, at or above its level', async () => {
    const file = join(dir, 'gateway.log');
    const logger = createLogger({ name: 'test', level: 'info', destination: file });
    logger.debug('not written');
    logger.child({ component: 'proxy' }).info('request', { status: 200 });
    await expect
      .poll(
        () =>
          readFileSync(file, 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line)),
        { timeout: 2000 },
      )
      .toEqual([
        expect.objectContaining({ name: 'test', msg: 'request', status: 200, component: 'proxy', level: 30 }),
      ]);
  });

  it('writes records as their own lines, with time and type first, within a quarter second', async () => {
    const file = join(dir, 'records.log');
    const logger = createLogger({ name: 'test', level: 'silent', destination: file });
    logger.record('access', { status: 200, log: { 'ai.proxy': { usage: { total_tokens: 3 } } } });
    await expect
      .poll(() => readFileSync(file, 'utf8'), { timeout: 2000 })
      .toMatch(
        /^\{"time":\d+,"type":"access","status":200,"log":\{"ai.proxy":\{"usage":\{"total_tokens":3\}\}\}\}\n$/,
      );
  });

  it('writes a record without fields as its time and type, and non-ASCII fields as UTF-8', async () => {
    const file = join(dir, 'empty-records.log');
    const logger = createLogger({ name: 'test', level: 'silent', destination: file });
    logger.record('access', {});
    logger.record('access', { path: '/café/☕' });
    await expect
      .poll(() => readFileSync(file, 'utf8'), { timeout: 2000 })
      .toMatch(/^\{"time":\d+,"type":"access"\}\n\{"time":\d+,"type":"access","path":"\/café\/☕"\}\n$/);
  });
});
