import { describe, expect, it } from 'vitest';
import { GENERATED_KEY_LENGTH, generateCredentialKey, hashCredentialKey } from './credential-key.js';

describe('credential keys', () => {
  it('hashes a key to the SHA-256 of its UTF-8 bytes, in hex', () => {
    // FIPS 180-2's test vector for "abc".
    expect(hashCredentialKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashCredentialKey('é')).not.toBe(hashCredentialKey('e'));
  });

  it("generates keys of Kong's length and alphabet, each one new", () => {
    const keys = Array.from({ length: 200 }, generateCredentialKey);
    for (const key of keys) expect(key).toMatch(new RegExp(`^[A-Za-z0-9]{${GENERATED_KEY_LENGTH}}$`));
    expect(new Set(keys).size).toBe(keys.length);
    // Every character of the alphabet turns up across 6,400 draws: none is left out.
    expect(new Set(keys.join('')).size).toBe(62);
  });
});
