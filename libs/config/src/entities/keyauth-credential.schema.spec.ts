import { describe, expect, it } from 'vitest';
import { hashCredentialKey } from '../credentials/credential-key.js';
import { buildKeyAuthCredential, presentKeyAuthCredential } from './keyauth-credential.schema.js';

const consumer = { id: '11111111-1111-4111-8111-111111111111' };

describe('key-auth credentials', () => {
  it('stores the hash of the key given, with the time its ttl runs out', () => {
    const { credential, key } = buildKeyAuthCredential(
      { consumer, key: 'secret', ttl: 30, tags: ['a'] },
      1000,
    );
    expect(key).toBe('secret');
    expect(credential).toMatchObject({
      consumer,
      key_hash: hashCredentialKey('secret'),
      expires_at: 1030,
      created_at: 1000,
      tags: ['a'],
    });
    expect(JSON.stringify(credential)).not.toContain('secret');
  });

  it('generates a key when none is given, and never expires without a ttl (or with 0)', () => {
    const generated = buildKeyAuthCredential({ consumer }, 1000);
    expect(generated.key).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(generated.credential.key_hash).toBe(hashCredentialKey(generated.key));
    expect(generated.credential.expires_at).toBeNull();
    expect(buildKeyAuthCredential({ consumer, ttl: 0 }, 1000).credential.expires_at).toBeNull();
  });

  it("shows Kong's fields: the key only when given, the seconds left as ttl", () => {
    const { credential } = buildKeyAuthCredential({ consumer, key: 'secret', ttl: 30 }, 1000);
    expect(presentKeyAuthCredential(credential, 1010, 'secret')).toEqual({
      id: credential.id,
      created_at: 1000,
      consumer,
      key: 'secret',
      ttl: 20,
      tags: null,
    });
    const listed = presentKeyAuthCredential(credential, 1010);
    expect(listed).not.toHaveProperty('key');
    expect(listed).not.toHaveProperty('key_hash');
    expect(
      presentKeyAuthCredential(buildKeyAuthCredential({ consumer }, 1000).credential, 5000).ttl,
    ).toBeNull();
  });
});
