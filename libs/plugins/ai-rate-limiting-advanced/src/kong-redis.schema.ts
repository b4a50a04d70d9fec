import type { RecordField, SchemaField } from '@switchyard/plugin-api';

/** Why every field of the record below has no effect, appended to Kong's description. */
const OWN_REDIS =
  "Accepted for Kong compatibility, no effect: `strategy` `redis` (and `cluster`) count in the proxy's own Redis (`REDIS_URL`, keys under `REDIS_PREFIX`).";

/** Kong's description of a field, then why it has no effect here. */
const kong = (description: string) => `${description} ${OWN_REDIS}`;

const port = (description: string): SchemaField => ({
  type: 'integer',
  default: 6379,
  between: [0, 65_535],
  description: kong(description),
});

const timeout = (description: string): SchemaField => ({
  type: 'integer',
  default: 2000,
  between: [0, 2_147_483_646],
  description: kong(description),
});

/** A secret of Kong's `cloud_authentication`: a vault reference, encrypted like `auth.header_value`. */
const secret = (description: string): SchemaField => ({
  type: 'string',
  referenceable: true,
  encrypted: true,
  description: kong(description),
});

const address = (hostField: 'host' | 'ip'): SchemaField => ({
  type: 'record',
  description: kong('One node address.'),
  fields: {
    [hostField]: {
      type: 'string',
      host: true,
      default: '127.0.0.1',
      description: kong('A host name, such as example.com.'),
    },
    port: port('A port number between 0 and 65535, inclusive.'),
  },
});

/**
 * Kong's per-plugin `config.redis` record (its `redis` partial: host, TLS, Sentinel, Cluster,
 * pool, cloud authentication), with Kong's types, bounds and defaults, so that Kong configs
 * validate unchanged. None of it is used: the gateway connects to one Redis of its own, so these
 * values are stored and shown, never dialled; the secrets among them are `referenceable` and
 * `encrypted` as every other secret, and never logged.
 */
export const kongRedisSchema: RecordField = {
  type: 'record',
  required: true,
  description: kong("Kong's Redis connection for `strategy` `redis`."),
  fields: {
    host: {
      type: 'string',
      host: true,
      referenceable: true,
      default: '127.0.0.1',
      description: kong('The Redis host name, such as example.com.'),
    },
    port: { ...port('The Redis port.'), referenceable: true },
    database: {
      type: 'integer',
      default: 0,
      description: kong('Database to use for the Redis connection.'),
    },
    username: {
      type: 'string',
      referenceable: true,
      description: kong('Username for Redis ACL authentication (Redis 6+).'),
    },
    password: secret('Password for Redis connections; no AUTH when undefined.'),
    ssl: { type: 'boolean', default: false, description: kong('Connect to Redis over TLS.') },
    ssl_verify: {
      type: 'boolean',
      default: true,
      description: kong("Verify the Redis server's TLS certificate."),
    },
    server_name: {
      type: 'string',
      referenceable: true,
      description: kong('The SNI (server name indication) value for TLS.'),
    },
    connect_timeout: timeout('Connect timeout, in milliseconds.'),
    send_timeout: timeout('Send timeout, in milliseconds.'),
    read_timeout: timeout('Read timeout, in milliseconds.'),
    keepalive_pool_size: {
      type: 'integer',
      default: 256,
      between: [1, 2_147_483_646],
      description: kong('The size of each connection pool.'),
    },
    keepalive_backlog: {
      type: 'integer',
      between: [0, 2_147_483_646],
      description: kong('The queue of connections waiting for the pool.'),
    },
    sentinel_master: { type: 'string', description: kong('The Sentinel master (implies Redis Sentinel).') },
    sentinel_role: {
      type: 'string',
      one_of: ['master', 'slave', 'any'],
      description: kong('The Sentinel role (implies Redis Sentinel).'),
    },
    sentinel_nodes: {
      type: 'array',
      elements: address('host'),
      description: kong('The Sentinel node addresses (implies Redis Sentinel).'),
    },
    sentinel_username: {
      type: 'string',
      referenceable: true,
      description: kong('Username for the Sentinel ACL authentication (Redis 6.2+).'),
    },
    sentinel_password: secret('Password for the Sentinels; no AUTH when undefined.'),
    cluster_nodes: {
      type: 'array',
      elements: address('ip'),
      description: kong('The Redis Cluster node addresses (implies Redis Cluster).'),
    },
    cluster_max_redirections: {
      type: 'integer',
      default: 5,
      description: kong('Most Redis Cluster redirections followed.'),
    },
    connection_is_proxied: {
      type: 'boolean',
      default: false,
      description: kong('The connection goes through a proxy (e.g. Envoy) at `host`/`port`.'),
    },
    cloud_authentication: {
      type: 'record',
      description: kong("Authentication to a cloud provider's Redis (AWS, Azure, GCP)."),
      fields: {
        auth_provider: {
          type: 'string',
          referenceable: true,
          one_of: ['aws', 'gcp', 'azure'],
          description: kong('The cloud provider to authenticate to.'),
        },
        aws_cache_name: {
          type: 'string',
          referenceable: true,
          description: kong('The AWS ElastiCache cluster name.'),
        },
        aws_is_serverless: {
          type: 'boolean',
          default: true,
          description: kong('The AWS ElastiCache cluster is serverless.'),
        },
        aws_region: { type: 'string', referenceable: true, description: kong('The AWS region.') },
        aws_access_key_id: secret('The AWS access key id.'),
        aws_secret_access_key: secret('The AWS secret access key.'),
        aws_assume_role_arn: secret('The ARN of the IAM role to assume.'),
        aws_role_session_name: secret("The assumed role's session name."),
        azure_client_id: secret('The Azure client id.'),
        azure_client_secret: secret('The Azure client secret.'),
        azure_tenant_id: secret('The Azure tenant id.'),
        gcp_service_account_json: secret('The GCP service account JSON.'),
      },
    },
  },
};
