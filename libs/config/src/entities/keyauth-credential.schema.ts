import { randomUUID } from 'node:crypto';
import { IsDefined, IsOptional } from 'class-validator';
import { generateCredentialKey, hashCredentialKey } from '../credentials/credential-key.js';
import {
  KongForeign,
  KongInteger,
  KongString,
  KongStringArray,
  MESSAGES,
  checkTag,
  checkUuid,
} from './kong-field.validators.js';
import type { ForeignKey, KeyAuthCredential } from './entity.types.js';

/** Kong's bound on a `ttl` (a little over three years, so that `now + ttl` never overflows). */
export const MAX_CREDENTIAL_TTL_SECONDS = 100_000_000;

/**
 * A key-auth credential as the Admin API takes it (Kong's `keyauth_credentials` fields, plus
 * Kong's `ttl` option): `key` is generated when absent, `ttl` is in seconds (0 or absent: the
 * key never expires).
 */
export class KeyAuthCredentialSchema {
  @IsOptional() @KongString({ check: checkUuid }) id?: string;
  @IsOptional() @KongInteger() created_at?: number;
  @IsDefined({ message: MESSAGES.required }) @KongForeign() consumer!: ForeignKey;
  @IsOptional() @KongString() key?: string;
  @IsOptional() @KongInteger([0, MAX_CREDENTIAL_TTL_SECONDS]) ttl?: number | null;
  @IsOptional() @KongStringArray({ check: checkTag }) tags?: string[] | null;
}

/** A credential built for storing, and the key it holds (to show once, in the creation's answer). */
export interface NewKeyAuthCredential {
  readonly credential: KeyAuthCredential;
  readonly key: string;
}

/**
 * The credential to store for a validated input: the key hashed (a random one of Kong's kind
 * when none was given), the `ttl` turned into the time it runs out.
 */
export function buildKeyAuthCredential(
  input: KeyAuthCredentialSchema,
  now: number = Math.floor(Date.now() / 1000),
): NewKeyAuthCredential {
  const key = input.key ?? generateCredentialKey();
  const ttl = input.ttl ?? 0;
  return {
    key,
    credential: {
      id: input.id ?? randomUUID(),
      created_at: input.created_at ?? now,
      consumer: { id: input.consumer.id },
      key_hash: hashCredentialKey(key),
      expires_at: ttl > 0 ? now + ttl : null,
      tags: input.tags ?? null,
    },
  };
}

/** A credential as the Admin API answers with it (Kong's fields). */
export interface KeyAuthCredentialView {
  readonly id: string;
  readonly created_at: number;
  readonly consumer: ForeignKey;
  /** Only in the answer to the request that created it: the key is not stored, only its hash. */
  readonly key?: string;
  /** Seconds left before the key stops authenticating; null when it never does. */
  readonly ttl: number | null;
  readonly tags: string[] | null;
}

/** `credential` as the Admin API shows it at `now` (Unix seconds); `key` only when just created. */
export function presentKeyAuthCredential(
  credential: KeyAuthCredential,
  now: number,
  key?: string,
): KeyAuthCredentialView {
  const { id, created_at, consumer, tags, expires_at } = credential;
  return {
    id,
    created_at,
    consumer,
    ...(key !== undefined && { key }),
    ttl: expires_at === null ? null : Math.max(0, expires_at - now),
    tags,
  };
}
