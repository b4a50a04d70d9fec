import {
  schemaViolationMessage,
  typeFormValues,
  validatePluginConfig,
  type ConfigFieldErrors,
} from '@switchyard/config';
import { PROVIDER_IDS } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { PLUGIN_DEFINITIONS } from './index.js';

/** The ai-proxy schema as this build serves it: Kong's fields, with the registered providers' option slices. */
const aiProxySchema = PLUGIN_DEFINITIONS.find((plugin) => plugin.name === 'ai-proxy')!.schema;

function errorsOf(config: Record<string, unknown>): string | ConfigFieldErrors {
  const result = validatePluginConfig(aiProxySchema, config);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.value)}`);
  return result.errors;
}

function accepts(config: Record<string, unknown>): boolean {
  const result = validatePluginConfig(aiProxySchema, config);
  if (!result.ok) throw new Error(`expected no errors, got ${JSON.stringify(result.errors)}`);
  return true;
}

const tuning = { max_tokens: 256, temperature: 1.0 };

describe('ai-proxy config: the getting-started OpenAI config', () => {
  const gettingStarted = {
    route_type: 'llm/v1/chat',
    auth: { header_name: 'Authorization', header_value: 'Bearer x' },
    model: { provider: 'openai', name: 'gpt-4o', options: { max_tokens: 512, temperature: 1.0 } },
  };

  it('validates and gets every default Kong stores', () => {
    expect(validatePluginConfig(aiProxySchema, gettingStarted)).toEqual({
      ok: true,
      value: {
        route_type: 'llm/v1/chat',
        auth: {
          header_name: 'Authorization',
          header_value: 'Bearer x',
          param_name: null,
          param_value: null,
          param_location: null,
          gcp_use_service_account: false,
          gcp_service_account_json: null,
          aws_access_key_id: null,
          aws_secret_access_key: null,
          allow_override: false,
        },
        model: {
          provider: 'openai',
          name: 'gpt-4o',
          options: {
            max_tokens: 512,
            input_cost: null,
            output_cost: null,
            temperature: 1.0,
            top_p: null,
            top_k: null,
            anthropic_version: null,
            azure_instance: null,
            azure_api_version: '2023-05-15',
            azure_deployment_id: null,
            llama2_format: null,
            mistral_format: null,
            upstream_url: null,
            upstream_path: null,
            gemini: null,
            bedrock: null,
            huggingface: null,
          },
        },
        logging: { log_statistics: false, log_payloads: false },
        response_streaming: 'allow',
        max_request_body_size: 8192,
        model_name_header: true,
        llm_format: 'openai',
      },
    });
  });

  it('validates the same config sent as a form', () => {
    const form = {
      route_type: 'llm/v1/chat',
      auth: { header_name: 'Authorization', header_value: 'Bearer x' },
      model: { provider: 'openai', name: 'gpt-4o', options: { max_tokens: '512', temperature: '1.0' } },
      logging: { log_statistics: 'true' },
    };
    const result = validatePluginConfig(aiProxySchema, typeFormValues(aiProxySchema, form));
    expect(result.ok && [result.value['model'], result.value['logging']]).toEqual([
      expect.objectContaining({ options: expect.objectContaining({ max_tokens: 512, temperature: 1 }) }),
      { log_statistics: true, log_payloads: false },
    ]);
  });

  it('leaves the optional auth and options records null when absent, as Kong does', () => {
    const result = validatePluginConfig(aiProxySchema, {
      route_type: 'preserve',
      model: { provider: 'openai' },
    });
    expect(
      result.ok && [result.value['auth'], (result.value['model'] as Record<string, unknown>)['options']],
    ).toEqual([null, null]);
  });
});

// Mirrors Kong's spec/03-plugins/38-ai-proxy/00-config_spec.lua.
describe('ai-proxy config: entity checks', () => {
  it('requires upstream_url when using self-hosted llama2 model', () => {
    expect(
      errorsOf({
        route_type: 'llm/v1/chat',
        auth: { header_name: 'Authorization', header_value: 'Bearer token' },
        model: {
          name: 'llama-2-7b-chat-hf',
          provider: 'llama2',
          options: { ...tuning, llama2_format: 'raw' },
        },
      }),
    ).toEqual({ '@entity': ["must set 'model.options.upstream_url' for self-hosted providers/models"] });
  });

  it('requires llama2_format for the llama2 provider', () => {
    expect(
      errorsOf({
        route_type: 'llm/v1/chat',
        model: { provider: 'llama2', options: { upstream_url: 'http://nowhere' } },
      }),
    ).toEqual({ '@entity': ["must set 'model.options.llama2_format' for llama2 provider"] });
  });

  it('requires mistral_format for the mistral provider', () => {
    expect(errorsOf({ route_type: 'llm/v1/chat', model: { provider: 'mistral', options: tuning } })).toEqual({
      '@entity': ["must set 'model.options.mistral_format' for mistral provider"],
    });
  });

  it('requires upstream_url for mistral on an Ollama server, with the self-hosted message', () => {
    expect(
      errorsOf({
        route_type: 'llm/v1/chat',
        model: { provider: 'mistral', options: { mistral_format: 'ollama' } },
      }),
    ).toEqual({ '@entity': ["must set 'model.options.upstream_url' for self-hosted providers/models"] });
  });

  it("requires upstream_url for mistral completions, which Mistral's API does not serve", () => {
    expect(
      errorsOf({
        route_type: 'llm/v1/completions',
        model: { provider: 'mistral', options: { mistral_format: 'openai' } },
      }),
    ).toEqual({
      '@entity': [
        "must set 'model.options.upstream_url' for mistral llm/v1/completions: Mistral's API serves chat only",
      ],
    });
  });

  it("accepts mistral chat on Mistral's own API without upstream_url", () => {
    expect(
      accepts({
        route_type: 'llm/v1/chat',
        auth: { header_name: 'Authorization', header_value: 'Bearer key' },
        model: { provider: 'mistral', name: 'mistral-small-latest', options: { mistral_format: 'openai' } },
      }),
    ).toBe(true);
  });

  it.each([
    ['llama2', { llama2_format: 'raw' }],
    ['mistral', { mistral_format: 'ollama' }],
  ])('does not require API auth for self-hosted %s model', (provider, format) => {
    expect(
      accepts({
        route_type: 'llm/v1/chat',
        model: {
          name: 'llama-2-7b-chat-hf',
          provider,
          options: { ...tuning, upstream_url: 'http://nowhere', ...format },
        },
      }),
    ).toBe(true);
  });

  it('requires [anthropic_version] field when anthropic provider is used', () => {
    expect(
      errorsOf({
        route_type: 'llm/v1/chat',
        auth: { header_name: 'x-api-key', header_value: 'anthropic_key' },
        model: { name: 'anthropic-chat', provider: 'anthropic', options: tuning },
      }),
    ).toEqual({ '@entity': ["must set 'model.options.anthropic_version' for anthropic provider"] });
  });

  it('does not support log statistics when the llm/v1/completions route_type is used for anthropic provider', () => {
    const anthropic = {
      auth: { header_name: 'x-api-key', header_value: 'anthropic_key' },
      model: {
        name: 'anthropic-chat',
        provider: 'anthropic',
        options: { ...tuning, anthropic_version: '2021-09-01' },
      },
    };
    expect(
      errorsOf({ ...anthropic, route_type: 'llm/v1/completions', logging: { log_statistics: true } }),
    ).toEqual({
      '@entity': ['anthropic does not support statistics when route_type is llm/v1/completions'],
    });
    expect(accepts({ ...anthropic, route_type: 'llm/v1/chat', logging: { log_statistics: true } })).toBe(
      true,
    );
    expect(accepts({ ...anthropic, route_type: 'llm/v1/completions' })).toBe(true);
  });

  it('requires [azure_instance] field when azure provider is used, and its deployment id', () => {
    expect(
      errorsOf({
        route_type: 'llm/v1/chat',
        auth: { header_name: 'Authorization', header_value: 'Bearer token' },
        model: { name: 'azure-chat', provider: 'azure', options: tuning },
      }),
    ).toEqual({
      '@entity': [
        "must set 'model.options.azure_instance' for azure provider",
        "must set 'model.options.azure_deployment_id' for azure provider",
      ],
    });
  });

  it('requires azure_api_version for azure when its default is unset', () => {
    expect(
      errorsOf({
        route_type: 'llm/v1/chat',
        model: {
          provider: 'azure',
          options: { azure_instance: 'inst', azure_deployment_id: 'dep', azure_api_version: null },
        },
      }),
    ).toEqual({ '@entity': ["must set 'model.options.azure_api_version' for azure provider"] });
  });

  it('requires both [config.auth.header_name] and [config.auth.header_value] to be set', () => {
    const openai = {
      name: 'openai',
      provider: 'openai',
      options: { ...tuning, upstream_url: 'http://nowhere' },
    };
    expect(
      errorsOf({ route_type: 'llm/v1/chat', auth: { header_name: 'Authorization' }, model: openai }),
    ).toEqual({
      '@entity': ["all or none of these fields must be set: 'auth.header_name', 'auth.header_value'"],
    });
    expect(
      accepts({
        route_type: 'llm/v1/chat',
        auth: { header_name: 'Authorization', header_value: 'Bearer token' },
        model: openai,
      }),
    ).toBe(true);
  });

  it('requires all of [config.auth.param_name] and [config.auth.param_value] and [config.auth.param_location] to be set', () => {
    const openai = {
      name: 'openai',
      provider: 'openai',
      options: { ...tuning, upstream_url: 'http://nowhere' },
    };
    expect(
      errorsOf({
        route_type: 'llm/v1/chat',
        auth: { param_name: 'apikey', param_value: 'key' },
        model: openai,
      }),
    ).toEqual({
      '@entity': [
        "all or none of these fields must be set: 'auth.param_name', 'auth.param_value', 'auth.param_location'",
      ],
    });
    expect(
      accepts({
        route_type: 'llm/v1/chat',
        auth: { param_name: 'apikey', param_value: 'key', param_location: 'query' },
        model: openai,
      }),
    ).toBe(true);
  });

  it('requires all auth parameters set in order to use both header and param types', () => {
    expect(
      accepts({
        route_type: 'llm/v1/chat',
        auth: {
          param_name: 'apikey',
          param_value: 'key',
          param_location: 'query',
          header_name: 'Authorization',
          header_value: 'Bearer token',
        },
        model: { name: 'openai', provider: 'openai', options: { ...tuning, upstream_url: 'http://nowhere' } },
      }),
    ).toBe(true);
  });

  it.each(['bedrock', 'gemini'])('does not let %s use auth.allow_override', (provider) => {
    const config = { route_type: 'llm/v1/chat', model: { provider, name: 'm' } };
    expect(errorsOf({ ...config, auth: { allow_override: true } })).toEqual({
      auth: { allow_override: 'value must be false' },
      '@entity': ['bedrock and gemini only support auth.allow_override = false'],
    });
    expect(accepts({ ...config, auth: { allow_override: false } })).toBe(true);
    expect(accepts({ ...config, auth: { aws_access_key_id: 'id', aws_secret_access_key: 'secret' } })).toBe(
      true,
    );
  });

  it('rejects bedrock without an auth record, as Kong does: allow_override is then unset, not false', () => {
    expect(errorsOf({ route_type: 'llm/v1/chat', model: { provider: 'bedrock', name: 'm' } })).toEqual({
      auth: { allow_override: 'value must be false' },
      '@entity': ['bedrock and gemini only support auth.allow_override = false'],
    });
  });

  it('rejects gemini without an auth record, as Kong does: allow_override is then unset, not false', () => {
    expect(
      errorsOf({ route_type: 'llm/v1/chat', model: { provider: 'gemini', name: 'gemini-2.0-flash' } }),
    ).toEqual({
      auth: { allow_override: 'value must be false' },
      '@entity': ['bedrock and gemini only support auth.allow_override = false'],
    });
  });

  it("accepts gemini's API key in a header or the key query parameter, and a service account for Vertex AI", () => {
    const gemini = (auth: Record<string, unknown>, options: Record<string, unknown> = {}) => ({
      route_type: 'llm/v1/chat',
      auth,
      model: { provider: 'gemini', name: 'gemini-2.0-flash', options },
    });
    expect(accepts(gemini({ header_name: 'x-goog-api-key', header_value: 'key' }))).toBe(true);
    expect(accepts(gemini({ param_name: 'key', param_value: 'key', param_location: 'query' }))).toBe(true);
    const vertex = {
      gemini: {
        api_endpoint: 'us-central1-aiplatform.googleapis.com',
        project_id: 'p',
        location_id: 'us-central1',
      },
    };
    expect(accepts(gemini({ gcp_use_service_account: true }, vertex))).toBe(true);
    expect(
      accepts(
        gemini({ gcp_use_service_account: true, gcp_service_account_json: '{vault://env/gcp-sa}' }, vertex),
      ),
    ).toBe(true);
    expect(errorsOf(gemini({ gcp_use_service_account: 'yes' }))).toEqual({
      auth: { gcp_use_service_account: 'expected a boolean' },
    });
  });

  it("requires bedrock's static IAM key whole: an access key id with its secret, or neither (Switchyard's check)", () => {
    const bedrock = (auth: Record<string, unknown>) => ({
      route_type: 'llm/v1/chat',
      auth: { allow_override: false, ...auth },
      model: { provider: 'bedrock', name: 'anthropic.claude-3-5-haiku-20241022-v1:0' },
    });
    const message =
      "all or none of these fields must be set: 'auth.aws_access_key_id', 'auth.aws_secret_access_key'";
    expect(errorsOf(bedrock({ aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE' }))).toEqual({
      '@entity': [message],
    });
    expect(errorsOf(bedrock({ aws_secret_access_key: '{vault://env/aws-secret}' }))).toEqual({
      '@entity': [message],
    });
    // Without a key pair, the gateway's environment gives the credentials.
    expect(accepts(bedrock({}))).toBe(true);
    expect(
      accepts(
        bedrock({
          aws_access_key_id: '{vault://env/aws-key-id}',
          aws_secret_access_key: '{vault://env/aws-secret}',
        }),
      ),
    ).toBe(true);
    expect(
      accepts({
        route_type: 'llm/v1/chat',
        auth: { header_name: 'Authorization', header_value: 'Bearer x', aws_access_key_id: 'AKIA' },
        model: { provider: 'openai', name: 'gpt-4o' },
      }),
    ).toBe(true);
  });

  it('accepts the bedrock region option, as Kong does', () => {
    expect(
      accepts({
        route_type: 'llm/v1/chat',
        auth: { allow_override: false },
        model: { provider: 'bedrock', name: 'm', options: { bedrock: { aws_region: 'eu-west-3' } } },
      }),
    ).toBe(true);
    expect(
      errorsOf({
        route_type: 'llm/v1/chat',
        auth: { allow_override: false },
        model: { provider: 'bedrock', name: 'm', options: { bedrock: { aws_region: 3, region: 'x' } } },
      }),
    ).toEqual({
      model: { options: { bedrock: { aws_region: 'expected a string', region: 'unknown field' } } },
    });
  });

  it('allows native llm_format only with the llm/v1/chat route_type', () => {
    expect(
      errorsOf({
        route_type: 'llm/v1/completions',
        llm_format: 'bedrock',
        auth: { allow_override: false },
        model: { provider: 'bedrock', name: 'm' },
      }),
    ).toEqual({
      route_type: 'value must be llm/v1/chat',
      '@entity': ["native provider options in llm_format can only be used with the 'llm/v1/chat' route_type"],
    });
  });

  /** What the Admin API says works, as this build's drivers serve it. */
  const SERVED =
    "served: 'openai' on llm/v1/chat for every provider and on llm/v1/completions for openai, azure, cohere, anthropic, huggingface, mistral, llama2 " +
    'and on llm/v1/embeddings for openai, azure, cohere, bedrock, huggingface, mistral, gemini and on llm/v1/responses for every provider; ' +
    "'anthropic' on llm/v1/chat for every provider; 'gemini' on llm/v1/chat for gemini; " +
    "'bedrock' on llm/v1/chat for bedrock; 'cohere' on llm/v1/chat for cohere";

  it.each(['bedrock', 'gemini'])(
    "keeps Kong's rule for native llm_format %s (its own provider only), and accepts it there",
    (format) => {
      expect(
        errorsOf({ route_type: 'llm/v1/chat', llm_format: format, model: { provider: 'openai', name: 'm' } }),
      ).toEqual({
        model: { provider: `value must be ${format}` },
        '@entity': [`native llm_format '${format}' can only be used with the '${format}' model.provider`],
      });
      expect(
        accepts({
          route_type: 'llm/v1/chat',
          llm_format: format,
          auth: { allow_override: false },
          model: { provider: format, name: 'm' },
        }),
      ).toBe(true);
    },
  );

  /** A config of `provider` with every option some provider requires, so that only the route is judged. */
  const anyProvider = (provider: string, route: Record<string, unknown>) => ({
    ...route,
    auth: { allow_override: false },
    model: {
      provider,
      name: 'm',
      options: {
        anthropic_version: '2023-06-01',
        azure_instance: 'i',
        azure_deployment_id: 'd',
        llama2_format: 'openai',
        mistral_format: 'openai',
        upstream_url: 'http://127.0.0.1:9/v1/chat',
      },
    },
  });

  it.each(PROVIDER_IDS)('accepts llm_format anthropic on a chat route for provider %s', (provider) => {
    expect(accepts(anyProvider(provider, { route_type: 'llm/v1/chat', llm_format: 'anthropic' }))).toBe(true);
  });

  it.each(PROVIDER_IDS)(
    'accepts route_type llm/v1/responses for provider %s (the pivot serves every one)',
    (provider) => {
      expect(accepts(anyProvider(provider, { route_type: 'llm/v1/responses' }))).toBe(true);
    },
  );

  it("refuses a native llm_format on a llm/v1/responses route with Kong's message", () => {
    expect(
      errorsOf({
        route_type: 'llm/v1/responses',
        llm_format: 'anthropic',
        auth: { allow_override: false },
        model: { provider: 'anthropic', name: 'm', options: { anthropic_version: 'v' } },
      }),
    ).toEqual({
      route_type: 'value must be llm/v1/chat',
      '@entity': ["native provider options in llm_format can only be used with the 'llm/v1/chat' route_type"],
    });
  });

  it('refuses llm_format anthropic on a completions or preserve route, and cohere on another provider, saying what works', () => {
    const anthropic = {
      auth: { allow_override: false },
      model: { provider: 'anthropic', name: 'm', options: { anthropic_version: 'v' } },
    };
    for (const route_type of ['llm/v1/completions', 'preserve']) {
      expect(errorsOf({ ...anthropic, route_type, llm_format: 'anthropic' })).toEqual({
        route_type: 'value must be llm/v1/chat',
        '@entity': [
          "native provider options in llm_format can only be used with the 'llm/v1/chat' route_type",
        ],
      });
    }
    const cohere = (provider: string) => ({
      route_type: 'llm/v1/chat',
      llm_format: 'cohere',
      auth: { allow_override: false },
      model: { provider, name: 'm' },
    });
    expect(accepts(cohere('cohere'))).toBe(true);
    expect(errorsOf(cohere('huggingface'))).toEqual({
      '@entity': [`llm_format 'cohere' cannot be served by huggingface://llm/v1/chat; ${SERVED}`],
    });
  });

  it('requires all three Vertex options of gemini, or none', () => {
    const gemini = (options: Record<string, unknown>) => ({
      route_type: 'llm/v1/chat',
      auth: { allow_override: false },
      model: { provider: 'gemini', name: 'gemini-1.5-pro', options },
    });
    expect(errorsOf(gemini({ gemini: { api_endpoint: 'us-central1-aiplatform.googleapis.com' } }))).toEqual({
      model: {
        options: {
          gemini: {
            '@entity': [
              "all or none of these fields must be set: 'api_endpoint', 'project_id', 'location_id'",
            ],
          },
        },
      },
    });
    expect(
      accepts(
        gemini({
          gemini: {
            api_endpoint: 'us-central1-aiplatform.googleapis.com',
            project_id: 'p',
            location_id: 'l',
          },
        }),
      ),
    ).toBe(true);
  });

  it("accepts Kong's huggingface configs, which Kong checks for nothing more than the types of its two flags", () => {
    const huggingface = (flags: Record<string, unknown>) => ({
      route_type: 'llm/v1/chat',
      auth: { header_name: 'Authorization', header_value: 'Bearer huggingface-key' },
      model: {
        name: 'mistralai/Mistral-7B-Instruct-v0.2',
        provider: 'huggingface',
        options: { ...tuning, huggingface: flags, upstream_url: 'http://127.0.0.1:9000/model-loading' },
      },
    });
    expect(accepts(huggingface({ use_cache: false, wait_for_model: true }))).toBe(true);
    expect(
      accepts({ route_type: 'llm/v1/completions', model: { provider: 'huggingface', name: 'gpt2' } }),
    ).toBe(true);
    expect(errorsOf(huggingface({ use_cache: 'yes', wait: true }))).toEqual({
      model: { options: { huggingface: { use_cache: 'expected a boolean', wait: 'unknown field' } } },
    });
  });
});

describe('ai-proxy config: fields', () => {
  const base = { route_type: 'llm/v1/chat', model: { provider: 'openai' } };
  const withOptions = (options: Record<string, unknown>) => ({
    ...base,
    model: { provider: 'openai', options },
  });

  it('requires route_type and model', () => {
    expect(errorsOf({})).toEqual({
      route_type: 'required field missing',
      model: { provider: 'required field missing' },
    });
  });

  it('reports a missing model.provider next to an auth record as Kong does, through its allow_override check', () => {
    expect(errorsOf({ route_type: 'llm/v1/chat', model: { name: 'gpt-4o' } })).toEqual({
      model: { provider: 'required field missing' },
    });
    expect(
      errorsOf({
        route_type: 'llm/v1/chat',
        auth: { header_name: 'a', header_value: 'b' },
        model: { name: 'gpt-4o' },
      }),
    ).toEqual({ model: { provider: 'field required for entity check' } });
  });

  it('lists the providers and route types Kong accepts', () => {
    expect(errorsOf({ route_type: 'llm/v2/chat', model: { provider: 'acme' } })).toEqual({
      route_type:
        'expected one of: llm/v1/chat, llm/v1/completions, llm/v1/embeddings, llm/v1/responses, preserve',
      model: {
        provider:
          'expected one of: openai, azure, anthropic, cohere, mistral, llama2, gemini, bedrock, huggingface',
      },
    });
  });

  it('bounds the tuning options', () => {
    expect(
      errorsOf(withOptions({ temperature: 5.1, top_p: 1.5, top_k: 501, input_cost: 0, output_cost: -1 })),
    ).toEqual({
      model: {
        options: {
          temperature: 'value should be between 0 and 5',
          top_p: 'value should be between 0 and 1',
          top_k: 'value should be between 0 and 500',
          input_cost: 'value must be greater than 0',
          output_cost: 'value must be greater than 0',
        },
      },
    });
    expect(
      accepts(withOptions({ temperature: 0, top_p: 1, top_k: 500, input_cost: 0.01, max_tokens: 1 })),
    ).toBe(true);
  });

  it('types the options', () => {
    expect(
      errorsOf(withOptions({ max_tokens: 1.5, top_k: '5', llama2_format: 'gguf', upstream_url: 'nowhere' })),
    ).toEqual({
      model: {
        options: {
          max_tokens: 'expected an integer',
          top_k: 'expected an integer',
          llama2_format: 'expected one of: raw, openai, ollama',
          upstream_url: 'missing host in url',
        },
      },
    });
  });

  it('checks the plugin-level fields', () => {
    expect(
      errorsOf({
        ...base,
        response_streaming: 'sometimes',
        max_request_body_size: 0,
        model_name_header: 'yes',
        extra: 1,
      }),
    ).toEqual({
      response_streaming: 'expected one of: allow, deny, always',
      max_request_body_size: 'value must be greater than 0',
      model_name_header: 'expected a boolean',
      extra: 'unknown field',
    });
  });

  it('accepts vault references in the credentials', () => {
    expect(
      accepts({ ...base, auth: { header_name: 'Authorization', header_value: '{vault://env/openai-key}' } }),
    ).toBe(true);
  });

  it("summarises errors in Kong's schema violation message", () => {
    const errors = errorsOf({
      route_type: 'llm/v1/chat',
      model: { provider: 'anthropic', options: { temperature: 9 } },
    });
    expect(schemaViolationMessage({ config: errors })).toBe(
      '2 schema violations (config.@entity: {\n' +
        '  "must set \'model.options.anthropic_version\' for anthropic provider"\n' +
        '}; config.model: {\n' +
        '  options = {\n' +
        '    temperature = "value should be between 0 and 5"\n' +
        '  }\n' +
        '})',
    );
  });
});
