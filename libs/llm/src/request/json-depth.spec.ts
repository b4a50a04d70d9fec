import { GatewayError } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, checkJsonDepth } from './json-depth.js';

const nested = (depth: number) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('checkJsonDepth', () => {
  it(`takes arrays and objects nested ${MAX_JSON_DEPTH} deep`, () => {
    expect(() => checkJsonDepth(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() =>
      checkJsonDepth(Buffer.from(`{"a":${'{"a":'.repeat(MAX_JSON_DEPTH - 1)}1${'}'.repeat(MAX_JSON_DEPTH)}`)),
    ).not.toThrow();
  });

  it('answers 400 one level deeper, naming the limit', () => {
    let error: unknown;
    try {
      checkJsonDepth(nested(MAX_JSON_DEPTH + 1));
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect([(error as GatewayError).status, (error as GatewayError).message]).toEqual([
      400,
      'request body is nested deeper than 64 levels of arrays and objects; send a flatter body',
    ]);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ content: `${'['.repeat(500)} "\\" {{{ ${'{'.repeat(500)}` });
    expect(() => checkJsonDepth(Buffer.from(text))).not.toThrow();
  });

  it('measures depth, not the number of brackets', () => {
    expect(() => checkJsonDepth(Buffer.from(`[${'[],'.repeat(10_000)}[]]`))).not.toThrow();
  });
});
