import { createHash, randomInt } from 'node:crypto';

/** Kong's generated keys: 32 characters of `[A-Za-z0-9]` (`kong.tools.rand.random_string`). */
export const GENERATED_KEY_LENGTH = 32;
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A new random key of Kong's length and alphabet, each character drawn uniformly by Node's
 * CSPRNG (`crypto.randomInt`): about 190 bits, far beyond any guessing. (Kong draws base64 of 24
 * random bytes and replaces `+` and `/` by one random character each, a little less.)
 */
export function generateCredentialKey(): string {
  let key = '';
  for (let index = 0; index < GENERATED_KEY_LENGTH; index++)
    key += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
  return key;
}

/**
 * What is stored, propagated and looked up in place of a key: SHA-256 of its UTF-8 bytes, in
 * lower-case hex. Unsalted on purpose, so that a proxy finds a key's credential in one map
 * lookup: for a random key (generated ones) no table or search recovers the key from its hash;
 * a short user-chosen key (`key=kong`) can be found by trying candidates against a leaked hash,
 * which is why the README asks for random keys.
 */
export function hashCredentialKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
