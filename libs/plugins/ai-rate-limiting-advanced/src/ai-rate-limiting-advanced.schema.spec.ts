import { validatePluginConfig, type ConfigFieldErrors } from '@switchyard/config';
import type { SchemaField } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { aiRateLimitingAdvancedSchema } from './ai-rate-limiting-advanced.schema.js';

/**
 * The config of Kong's docs example (developer.konghq.com/plugins/ai-rate-limiting-advanced,
 * "Request prompt function", without its Lua function), plus a `namespace`.
 */
const KONG_DOCS_EXAMPLE = {
  strategy: 'redis',
  redis: { host: 'host.docker.internal', port: 16379 },
  sync_rate: 0,
  namespace: 'team-a',
  llm_providers: [{ name: 'cohere', limit: [100, 1000], window_size: [60, 3600] }],
};

const PROVIDERS = [{ name: 'openai', limit: [100], window_size: [60] }];

function valueOf(config: Record<string, unknown>): Record<string, unknown> {
  const result = validatePluginConfig(aiRateLimitingAdvancedSchema, config);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

function errorsOf(config: Record<string, unknown>): string | ConfigFieldErrors {
  const result = validatePluginConfig(aiRateLimitingAdvancedSchema, config);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.value)}`);
  return result.errors;
}

/** Every field of a schema, with its dotted path. */
function fieldsOf(field: SchemaField, path = 'config'): [string, SchemaField][] {
  const own: [string, SchemaField] = [path, field];
  if (field.type === 'record')
    return [own, ...Object.entries(field.fields).flatMap(([name, sub]) => fieldsOf(sub, `${path}.${name}`))];
  if (field.type === 'array') return [own, ...fieldsOf(field.elements, `${path}[]`)];
  return [own];
}

describe('ai-rate-limiting-advanced config', () => {
  it("accepts Kong's docs example (strategy redis, redis host and port, sync_rate, namespace) unchanged", () => {
    expect(valueOf(KONG_DOCS_EXAMPLE)).toMatchObject({
      ...KONG_DOCS_EXAMPLE,
      redis: { host: 'host.docker.internal', port: 16379, database: 0, ssl: false, ssl_verify: true },
    });
  });

  it("fills Kong's defaults for its fields, the redis record included", () => {
    expect(valueOf({ llm_providers: PROVIDERS })).toMatchObject({
      identifier: 'consumer',
      strategy: 'local',
      window_type: 'sliding',
      path: null,
      sync_rate: null,
      namespace: null,
      dictionary_name: 'kong_rate_limiting_counters',
      decrease_by_fractions_in_redis: false,
      disable_penalty: false,
      policies: null,
      custom_cost_count_function: null,
      request_prompt_count_function: null,
      redis: {
        host: '127.0.0.1',
        port: 6379,
        database: 0,
        username: null,
        password: null,
        ssl: false,
        ssl_verify: true,
        server_name: null,
        connect_timeout: 2000,
        send_timeout: 2000,
        read_timeout: 2000,
        keepalive_pool_size: 256,
        keepalive_backlog: null,
        sentinel_master: null,
        sentinel_role: null,
        sentinel_nodes: null,
        sentinel_username: null,
        sentinel_password: null,
        cluster_nodes: null,
        cluster_max_redirections: 5,
        connection_is_proxied: false,
        cloud_authentication: null,
      },
    });
  });

  it("accepts strategy cluster and Kong's whole redis record (Sentinel, Cluster, TLS, cloud authentication)", () => {
    const redis = {
      host: 'redis.internal',
      port: 6380,
      database: 2,
      username: 'kong',
      password: '{vault://env/redis-password}',
      ssl: true,
      ssl_verify: false,
      server_name: 'redis.internal',
      keepalive_pool_size: 512,
      keepalive_backlog: 16,
      sentinel_master: 'mymaster',
      sentinel_role: 'master',
      sentinel_nodes: [{ host: 'sentinel-1', port: 26379 }],
      sentinel_password: 'sentinel-secret',
      cluster_nodes: [{ ip: '10.0.0.1', port: 7000 }],
      cluster_max_redirections: 3,
      connection_is_proxied: true,
      cloud_authentication: {
        auth_provider: 'aws',
        aws_cache_name: 'cache',
        aws_region: 'eu-west-1',
        aws_access_key_id: 'AKIA',
        aws_secret_access_key: 'secret',
      },
    };
    const value = valueOf({
      strategy: 'cluster',
      redis,
      sync_rate: -1,
      dictionary_name: 'my_counters',
      decrease_by_fractions_in_redis: true,
      disable_penalty: true,
      path: '/chat',
      llm_providers: PROVIDERS,
    });
    expect(value).toMatchObject({ strategy: 'cluster', redis });
    expect(value['redis']).toMatchObject({ cloud_authentication: { aws_is_serverless: true } });
  });

  it("checks the redis record's types and bounds as Kong does", () => {
    expect(
      errorsOf({
        llm_providers: PROVIDERS,
        redis: { port: 70000, database: 'zero', sentinel_role: 'leader', connect_timeout: -1 },
      }),
    ).toEqual({
      redis: {
        port: 'value should be between 0 and 65535',
        database: 'expected an integer',
        sentinel_role: 'expected one of: master, slave, any',
        connect_timeout: 'value should be between 0 and 2147483646',
      },
    });
  });

  it('marks every secret of the redis record referenceable and encrypted, like auth.header_value', () => {
    const secrets = fieldsOf(aiRateLimitingAdvancedSchema)
      .filter(([path]) => /password|secret|access_key_id|client_id|tenant_id|service_account|role/.test(path))
      .filter(([path]) => path !== 'config.redis.sentinel_role');
    expect(secrets.map(([path]) => path)).toEqual([
      'config.redis.password',
      'config.redis.sentinel_password',
      'config.redis.cloud_authentication.aws_access_key_id',
      'config.redis.cloud_authentication.aws_secret_access_key',
      'config.redis.cloud_authentication.aws_assume_role_arn',
      'config.redis.cloud_authentication.aws_role_session_name',
      'config.redis.cloud_authentication.azure_client_id',
      'config.redis.cloud_authentication.azure_client_secret',
      'config.redis.cloud_authentication.azure_tenant_id',
      'config.redis.cloud_authentication.gcp_service_account_json',
    ]);
    for (const [path, field] of secrets)
      expect({ path, ...field }).toMatchObject({ referenceable: true, encrypted: true });
  });

  it('describes every field, and gives every optional scalar a default or null', () => {
    for (const [path, field] of fieldsOf(aiRateLimitingAdvancedSchema)) {
      expect(field.description, path).toMatch(/\S/);
    }
    const filled = valueOf({ llm_providers: PROVIDERS });
    for (const name of Object.keys(aiRateLimitingAdvancedSchema.fields))
      expect(filled, name).toHaveProperty(name);
  });

  describe('refuses, by name, what this gateway does not support', () => {
    it.each([
      ['path', "'config.identifier' 'path' is not supported by this gateway"],
      ['consumer-group', "'config.identifier' 'consumer-group' is not supported by this gateway"],
    ])('identifier %s', (identifier, message) => {
      const errors = errorsOf({ identifier, path: '/chat', llm_providers: PROVIDERS }) as ConfigFieldErrors;
      expect(errors).toEqual({ '@entity': [expect.stringContaining(message)] });
    });

    it.each(['requestPrompt', 'customCost'])('the %s provider', (name) => {
      const errors = errorsOf({ llm_providers: [...PROVIDERS, { name, limit: [10], window_size: [60] }] });
      expect(errors).toEqual({
        '@entity': [
          expect.stringContaining(`'config.llm_providers' name '${name}' is not supported by this gateway`),
        ],
      });
    });

    it.each([
      ['policies', [{ limits: [{ limit: 100, window_size: 60 }], match: [{ type: 'consumer' }] }]],
      ['custom_cost_count_function', 'return 1'],
      ['request_prompt_count_function', 'return 1'],
    ])('%s', (field, value) => {
      expect(errorsOf({ llm_providers: PROVIDERS, [field]: value })).toEqual({
        '@entity': [expect.stringContaining(`'config.${field}' is not supported by this gateway`)],
      });
    });

    it('still types the refused fields as Kong does', () => {
      expect(
        errorsOf({ llm_providers: PROVIDERS, identifier: 'route', policies: [{ window_type: 'hourly' }] }),
      ).toEqual({
        identifier: 'expected one of: consumer, credential, ip, service, header, path, consumer-group',
        policies: [{ window_type: 'expected one of: sliding, fixed' }],
      });
    });
  });
});
