/**
 * Consumers as plugins see them: who calls the gateway (Kong's consumer entity), the credential
 * that identified them, and the directory of both that one config snapshot holds.
 */

/** A consumer of the gateway (Kong's consumer entity, the fields plugins and logs use). */
export interface ConsumerIdentity {
  readonly id: string;
  /** Unique when set; a consumer has a `username`, a `custom_id` or both. */
  readonly username: string | null;
  readonly custom_id: string | null;
}

/** The credential an authentication plugin identified the consumer by (never the secret itself). */
export interface CredentialIdentity {
  readonly id: string;
  /** The consumer it belongs to. */
  readonly consumerId: string;
}

/** A key-auth credential that matched a key, and its consumer. */
export interface KeyAuthMatch {
  readonly credential: CredentialIdentity;
  readonly consumer: ConsumerIdentity;
}

/**
 * The consumers and credentials of the config snapshot a request is served on, indexed once per
 * snapshot: every lookup is O(1), and none reads a database.
 */
export interface ConsumerDirectory {
  /**
   * The consumer whose id is `idOrUsername`, else whose username it is (Kong's lookup of the
   * `anonymous` consumer); undefined when there is none.
   */
  find(idOrUsername: string): ConsumerIdentity | undefined;
  /**
   * The key-auth credential holding `key`, and its consumer; undefined when no credential holds
   * it or the one that does expired (its `ttl` ran out) at `nowMs` (default `Date.now()`).
   */
  findKeyAuth(key: string, nowMs?: number): KeyAuthMatch | undefined;
}
