import { describe, expect, it } from 'vitest';
import { KongDbError } from '../errors/kong-db-error.js';
import { nestFormFields } from './kong-form.decoder.js';

const decode = (body: string) => nestFormFields(new URLSearchParams(body));

/** The schema-violation fields a form body is refused with. */
function refusal(body: string): unknown {
  try {
    decode(body);
  } catch (error) {
    if (error instanceof KongDbError) return error.fields;
    throw error;
  }
  throw new Error(`'${body}' was accepted`);
}

describe('nestFormFields', () => {
  it("nests Kong's form keys: dots, [] appends, [key] maps, repeated keys", () => {
    expect(decode('config.model.name=gpt-4&paths[]=/a&paths[]=/b&headers[x-a]=1&tags=a&tags=b')).toEqual({
      config: { model: { name: 'gpt-4' } },
      paths: ['/a', '/b'],
      headers: { 'x-a': '1' },
      tags: ['a', 'b'],
    });
  });

  it('refuses keys that reach a prototype, before touching any object', () => {
    for (const key of ['__proto__[toString]', 'a.constructor.prototype.x', 'a[prototype]']) {
      expect(refusal(`${key}=x`)).toEqual({ [key]: expect.stringMatching(/^the key '\w+' is not allowed$/) });
    }
    expect(typeof Object.prototype.toString).toBe('function');
    expect(Object.hasOwn(Object.prototype, 'x')).toBe(false);
  });

  it('gives an inherited name no special meaning', () => {
    expect(decode('toString=x&valueOf[a]=y')).toEqual({ toString: 'x', valueOf: { a: 'y' } });
  });

  it('refuses a name given as a value, a list and a map at once, rather than guessing', () => {
    expect(refusal('paths[x]=/a&paths[]=/b')).toEqual({
      'paths[]': "'paths' is given both as a map and as a list",
    });
    expect(refusal('a.b=1&a=2')).toEqual({ a: "'a' is given both as a map and as a value" });
    expect(refusal('[]=x')).toEqual({ '[]': 'a form key must start with a name' });
  });

  it('bounds nesting, key length and the number of fields', () => {
    expect(refusal(`a${'[b]'.repeat(16)}=1`)).toEqual({
      [`a${'[b]'.repeat(16)}`]: 'nested more than 16 levels deep',
    });
    expect(decode(`a${'[b]'.repeat(15)}=1`)).toHaveProperty('a');
    expect(refusal(`${'k'.repeat(1_025)}=1`)).toEqual({
      [`${'k'.repeat(64)}...`]: 'key longer than 1024 characters',
    });
    expect(refusal(Array.from({ length: 1_001 }, (_, i) => `f${i}=1`).join('&'))).toEqual({
      '@entity': ['a form body may have at most 1000 fields'],
    });
  });
});
