import { hashCredentialKey } from '../credentials/credential-key.js';
import type { Consumer, KeyAuthCredential } from '../entities/entity.types.js';
import type {
  ConsumerDirectory,
  ConsumerIdentity,
  CredentialIdentity,
  KeyAuthMatch,
} from '@switchyard/plugin-api';

interface IndexedCredential {
  readonly credential: CredentialIdentity;
  readonly consumer: ConsumerIdentity;
  /** Unix milliseconds from which it no longer authenticates; `Infinity` for never. */
  readonly expiresAtMs: number;
}

/**
 * A snapshot's consumers and key-auth credentials, indexed once (a proxy does it when it compiles
 * the snapshot): consumers by id and by username, credentials by key hash. A key is looked up by
 * its SHA-256 (the only thing the snapshot holds), in one map lookup; a credential of a
 * consumer the snapshot lacks is left out (the store's foreign key makes that impossible).
 */
export function compileConsumerDirectory(
  consumers: readonly Consumer[],
  credentials: readonly KeyAuthCredential[],
): ConsumerDirectory {
  const byId = new Map<string, ConsumerIdentity>();
  const byUsername = new Map<string, ConsumerIdentity>();
  for (const { id, username, custom_id } of consumers) {
    const identity: ConsumerIdentity = { id, username, custom_id };
    byId.set(id, identity);
    if (username !== null) byUsername.set(username, identity);
  }
  const byKeyHash = new Map<string, IndexedCredential>();
  for (const { id, consumer, key_hash, expires_at } of credentials) {
    const owner = byId.get(consumer.id);
    if (!owner) continue;
    byKeyHash.set(key_hash, {
      credential: { id, consumerId: owner.id },
      consumer: owner,
      expiresAtMs: expires_at === null ? Infinity : expires_at * 1000,
    });
  }
  return {
    find: (idOrUsername) => byId.get(idOrUsername) ?? byUsername.get(idOrUsername),
    findKeyAuth(key, nowMs = Date.now()): KeyAuthMatch | undefined {
      const found = byKeyHash.get(hashCredentialKey(key));
      return found && nowMs < found.expiresAtMs ? found : undefined;
    },
  };
}
