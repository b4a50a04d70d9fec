import { Inject, Injectable } from '@nestjs/common';
import {
  ENTITY_DEFINITIONS,
  KongDbError,
  buildKeyAuthCredential,
  hashCredentialKey,
  presentKeyAuthCredential,
  schemaViolation,
  uniqueViolation,
  validateEntityFields,
  type KeyAuthCredential,
  type KeyAuthCredentialSchema,
  type KeyAuthCredentialView,
} from '@switchyard/config';
import { ADMIN_API_OPTIONS, type AdminApiOptions } from './admin-api.options.js';
import { AdminEntitiesService, type ListQuery } from './admin-entities.service.js';
import { entityInput, type DecodedBody } from './request-body.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CREDENTIALS = ENTITY_DEFINITIONS.keyauth_credentials;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export interface CredentialList {
  readonly data: KeyAuthCredentialView[];
  readonly offset: string | null;
  readonly next: string | null;
}

/**
 * Kong's key-auth credential endpoints. A credential is stored with the SHA-256 of its key,
 * never the key: the key is in the answer to the request that created it and nowhere after
 * (Kong's default answers it in clear on every read). A credential is addressed by its id, or
 * by its key (Kong's endpoint key), which is hashed to be found. Expired credentials are gone
 * for every endpoint, as in Kong.
 */
@Injectable()
export class KeyAuthCredentialsService {
  constructor(
    @Inject(ADMIN_API_OPTIONS) private readonly options: AdminApiOptions,
    @Inject(AdminEntitiesService) private readonly entities: AdminEntitiesService,
  ) {}

  /** `POST /consumers/{consumer}/key-auth`: 404 for an unknown consumer, 409 for a key taken. */
  async create(consumerKey: string, body: DecodedBody): Promise<KeyAuthCredentialView> {
    const consumer = await this.entities.require('consumers', consumerKey);
    const input = { ...entityInput(CREDENTIALS, body), consumer: { id: consumer.id } };
    const errors = validateEntityFields(CREDENTIALS, input);
    if (Object.keys(errors).length > 0) throw schemaViolation(errors);
    const now = nowSeconds();
    const { credential, key } = buildKeyAuthCredential(input as KeyAuthCredentialSchema, now);
    try {
      await this.options.store.insert('keyauth_credentials', credential);
    } catch (error) {
      // The store knows the hash only; the caller is told about the key it sent, as Kong does.
      if (error instanceof KongDbError && error.fields?.['key_hash'] !== undefined)
        throw uniqueViolation({ key });
      throw error;
    }
    return presentKeyAuthCredential(credential, now, key);
  }

  /** `GET /key-auths`, or `GET /consumers/{consumer}/key-auth` with `consumerKey`. */
  async list(query: ListQuery, path: string, consumerKey?: string): Promise<CredentialList> {
    const parent =
      consumerKey === undefined ? undefined : { collection: 'consumers' as const, key: consumerKey };
    const page = await this.entities.list('keyauth_credentials', query, path, parent);
    const now = nowSeconds();
    return {
      ...page,
      data: page.data.map((credential) => presentKeyAuthCredential(credential as KeyAuthCredential, now)),
    };
  }

  /** The credential `key` names (its id, or its key), of `consumerKey`'s when given; undefined when none. */
  async find(key: string, consumerKey?: string): Promise<KeyAuthCredentialView | undefined> {
    const credential = await this.lookup(key, consumerKey);
    return credential && presentKeyAuthCredential(credential, nowSeconds());
  }

  /** Deletes the credential `key` names, if any (Kong answers 204 either way). */
  async remove(key: string, consumerKey?: string): Promise<void> {
    const credential = await this.lookup(key, consumerKey);
    if (credential) await this.options.store.delete('keyauth_credentials', credential.id);
  }

  private async lookup(key: string, consumerKey: string | undefined): Promise<KeyAuthCredential | undefined> {
    const owner =
      consumerKey === undefined ? undefined : await this.entities.require('consumers', consumerKey);
    const { store } = this.options;
    const credential = UUID.test(key)
      ? await store.findById('keyauth_credentials', key)
      : await store.findByField('keyauth_credentials', 'key_hash', hashCredentialKey(key));
    return credential && (!owner || credential.consumer.id === owner.id) ? credential : undefined;
  }
}
