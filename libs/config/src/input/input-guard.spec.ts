import { describe, expect, it } from 'vitest';
import { findInputProblem, inputProblemFields } from './input-guard.js';

const nested = (depth: number): unknown => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

describe('findInputProblem', () => {
  it('accepts ordinary input, emoji included', () => {
    expect(
      findInputProblem({ name: 'svc-1', tags: ['\ud83d\ude00'], config: { model: { name: 'gpt-4' } } }),
    ).toBeUndefined();
  });

  it('finds NUL and unpaired surrogates in values and keys, with their path', () => {
    expect(findInputProblem({ config: { model: { name: 'a\u0000' } } })).toEqual({
      path: ['config', 'model', 'name'],
      message: 'must not contain the NUL character (\\u0000)',
    });
    expect(findInputProblem({ tags: ['ok', '\udc00'] })?.path).toEqual(['tags', 1]);
    expect(findInputProblem({ headers: { 'x-\ud800': ['a'] } })).toMatchObject({
      path: ['headers', 'x-\ud800'],
      message: expect.stringMatching(/^key: must be valid Unicode/),
    });
  });

  it('refuses prototype keys that JSON.parse keeps as own properties', () => {
    expect(findInputProblem(JSON.parse('{"a":{"__proto__":{"x":1}}}'))).toEqual({
      path: ['a', '__proto__'],
      message: "the key '__proto__' is not allowed",
    });
  });

  it('bounds depth (reported on the top-level field), lengths and counts', () => {
    expect(findInputProblem(nested(16))).toBeUndefined();
    expect(findInputProblem(nested(17))).toEqual({ path: ['a'], message: 'nested more than 16 levels deep' });
    expect(findInputProblem(nested(100_000))?.message).toBe('nested more than 16 levels deep');
    expect(findInputProblem({ a: 'x'.repeat(16_385) })?.message).toBe('length must be at most 16384');
    expect(findInputProblem({ a: new Array(1_001).fill(1) })?.message).toBe('length must be at most 1000');
  });
});

describe('inputProblemFields', () => {
  it("shapes a problem as Kong's schema-violation fields", () => {
    expect(inputProblemFields({ path: ['config', 'auth', 'header_value'], message: 'm' })).toEqual({
      config: { auth: { header_value: 'm' } },
    });
    expect(inputProblemFields({ path: ['tags', 2], message: 'm' })).toEqual({ tags: [null, null, 'm'] });
    expect(inputProblemFields({ path: [], message: 'm' })).toEqual({ '@entity': ['m'] });
    const proto = inputProblemFields({ path: ['__proto__'], message: 'm' });
    expect(Object.keys(proto)).toEqual(['__proto__']);
  });
});
