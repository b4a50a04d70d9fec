import { PROVIDER_IDS, ROUTE_TYPES, type EntityCheck, type RecordField } from '@switchyard/plugin-api';

const auth: RecordField = {
  type: 'record',
  description:
    'How the gateway authenticates to the provider: a header, a query or body parameter, or cloud credentials.',
  fields: {
    header_name: {
      type: 'string',
      referenceable: true,
      description:
        'Name of the header that carries the provider credential, e.g. `Authorization` or `x-api-key`.',
    },
    header_value: {
      type: 'string',
      referenceable: true,
      encrypted: true,
      description: 'Full value of `header_name`, e.g. `Bearer <key>` or the bare key.',
    },
    param_name: {
      type: 'string',
      referenceable: true,
      description: 'Name of the query or body parameter that carries the provider credential.',
    },
    param_value: {
      type: 'string',
      referenceable: true,
      encrypted: true,
      description: 'Value of `param_name`.',
    },
    param_location: {
      type: 'string',
      one_of: ['query', 'body'],
      description: 'Where `param_name` goes: the query string, or the JSON body.',
    },
    gcp_use_service_account: {
      type: 'boolean',
      default: false,
      description: 'Authenticate to GCP-hosted models (Gemini on Vertex) with a service account.',
    },
    gcp_service_account_json: {
      type: 'string',
      referenceable: true,
      description:
        'The service account key, as JSON. When null and `gcp_use_service_account` is on, it is read from the `GCP_SERVICE_ACCOUNT` environment variable.',
    },
    aws_access_key_id: {
      type: 'string',
      referenceable: true,
      encrypted: true,
      description:
        'Static IAM access key id for AWS providers (Bedrock); overrides `AWS_ACCESS_KEY_ID` for this plugin.',
    },
    aws_secret_access_key: {
      type: 'string',
      referenceable: true,
      encrypted: true,
      description:
        'Static IAM secret key for AWS providers (Bedrock); overrides `AWS_SECRET_ACCESS_KEY` for this plugin.',
    },
    allow_override: {
      type: 'boolean',
      default: false,
      description:
        'Let a credential the client sends (same header or parameter) take precedence over the configured one.',
    },
  },
};

const options: RecordField = {
  type: 'record',
  description:
    'Model settings: tuning values that override the client’s, costs, and provider-specific options.',
  fields: {
    max_tokens: {
      type: 'integer',
      description: 'Maximum number of tokens to generate; overrides the value in the request.',
    },
    input_cost: {
      type: 'number',
      gt: 0,
      description: 'Cost of one million prompt tokens, for the analytics log.',
    },
    output_cost: {
      type: 'number',
      gt: 0,
      description: 'Cost of one million completion tokens, for the analytics log.',
    },
    temperature: {
      type: 'number',
      between: [0, 5],
      description: 'Sampling temperature; overrides the value in the request.',
    },
    top_p: {
      type: 'number',
      between: [0, 1],
      description: 'Nucleus sampling probability mass; overrides the value in the request.',
    },
    top_k: {
      type: 'integer',
      between: [0, 500],
      description:
        'Sample only from the k most likely tokens, where the provider supports it; overrides the request.',
    },
    anthropic_version: {
      type: 'string',
      description: 'The `anthropic-version` header sent to Anthropic. Required for the anthropic provider.',
    },
    azure_instance: {
      type: 'string',
      description: 'Azure OpenAI instance name: the `<instance>` of `<instance>.openai.azure.com`.',
    },
    azure_api_version: {
      type: 'string',
      default: '2023-05-15',
      description: 'The `api-version` query parameter for Azure OpenAI, when the client sends none.',
    },
    azure_deployment_id: {
      type: 'string',
      description: 'Azure OpenAI deployment id, part of the upstream path.',
    },
    llama2_format: {
      type: 'string',
      one_of: ['raw', 'openai', 'ollama'],
      description: 'Wire format of a self-hosted llama2 upstream. Required for the llama2 provider.',
    },
    mistral_format: {
      type: 'string',
      one_of: ['openai', 'ollama'],
      description: 'Wire format of the mistral upstream. Required for the mistral provider.',
    },
    upstream_url: {
      type: 'string',
      url: true,
      description:
        'Full URL of the upstream operation, for self-hosted models or private endpoints; replaces the provider’s URL.',
    },
    upstream_path: {
      type: 'string',
      description:
        'Path of the upstream operation, e.g. with the `preserve` route type. Deprecated by Kong (removal in 4.0): use `upstream_url`.',
    },
    gemini: {
      type: 'record',
      description: 'Gemini on Vertex AI: set all three fields, or none for the Gemini API.',
      fields: {
        api_endpoint: {
          type: 'string',
          description: 'Regional Vertex AI API endpoint, host name only.',
        },
        project_id: {
          type: 'string',
          description: 'GCP project id that hosts the model.',
        },
        location_id: {
          type: 'string',
          description: 'GCP location (region) of the model.',
        },
      },
      entity_checks: [{ mutually_required: ['api_endpoint', 'project_id', 'location_id'] }],
    },
    bedrock: {
      type: 'record',
      description: 'Amazon Bedrock options.',
      fields: {
        aws_region: {
          type: 'string',
          description: 'AWS region of the Bedrock runtime; overrides `AWS_REGION` / `AWS_DEFAULT_REGION`.',
        },
      },
    },
    huggingface: {
      type: 'record',
      description: 'Hugging Face Inference API options.',
      fields: {
        use_cache: {
          type: 'boolean',
          description: 'Let the Inference API answer from its cache.',
        },
        wait_for_model: {
          type: 'boolean',
          description: 'Wait for a model that is still loading instead of failing with 503.',
        },
      },
    },
  },
};

const model: RecordField = {
  type: 'record',
  required: true,
  description: 'The upstream model: its provider, its name, and its options.',
  fields: {
    provider: {
      type: 'string',
      required: true,
      one_of: PROVIDER_IDS,
      description: 'The provider whose API the gateway translates requests to and responses from.',
    },
    name: {
      type: 'string',
      description: 'Model name sent upstream. When unset, the client’s `model` is used.',
    },
    options,
  },
};

const logging: RecordField = {
  type: 'record',
  required: true,
  description: 'What the plugin adds to the analytics log.',
  fields: {
    log_statistics: {
      type: 'boolean',
      required: true,
      default: false,
      description: 'Log model, token usage, cost and latency, where the provider reports them.',
    },
    log_payloads: {
      type: 'boolean',
      required: true,
      default: false,
      description: 'Log the request body and the (OpenAI-format) response body.',
    },
  },
};

/** `provider` is required to set `option`, with Kong's `conditional_at_least_one_of` message. */
function requiresOption(provider: string, option: string, reason = `${provider} provider`): EntityCheck {
  const path = `model.options.${option}`;
  return {
    conditional_at_least_one_of: {
      if_field: 'model.provider',
      if_match: { one_of: [provider] },
      then_at_least_one_of: [path],
      then_err: `must set '${path}' for ${reason}`,
    },
  };
}

// Providers and route types whose usage cannot be logged (Kong's UNSUPPORTED_LOG_STATISTICS).
const UNSUPPORTED_LOG_STATISTICS: Readonly<Record<string, readonly string[]>> = {
  'llm/v1/completions': ['anthropic'],
};

const llmChecks: readonly EntityCheck[] = [
  {
    conditional: {
      if_field: 'model.provider',
      if_match: { one_of: ['bedrock', 'gemini'] },
      then_field: 'auth.allow_override',
      then_match: { eq: false },
      then_err: 'bedrock and gemini only support auth.allow_override = false',
    },
  },
  { mutually_required: ['auth.header_name', 'auth.header_value'] },
  { mutually_required: ['auth.param_name', 'auth.param_value', 'auth.param_location'] },
  requiresOption('llama2', 'llama2_format'),
  requiresOption('mistral', 'mistral_format'),
  requiresOption('anthropic', 'anthropic_version'),
  requiresOption('azure', 'azure_instance'),
  requiresOption('azure', 'azure_api_version'),
  requiresOption('azure', 'azure_deployment_id'),
  requiresOption('llama2', 'upstream_url', 'self-hosted providers/models'),
  {
    field_sources: ['route_type', 'model', 'logging'],
    custom: (config) => {
      const routeType = config['route_type'] as string;
      const provider = (config['model'] as { provider: string }).provider;
      const logStatistics = (config['logging'] as { log_statistics: boolean | null }).log_statistics;
      return logStatistics === true && UNSUPPORTED_LOG_STATISTICS[routeType]?.includes(provider)
        ? `${provider} does not support statistics when route_type is ${routeType}`
        : undefined;
    },
  },
];

// Kong declares these on the plugin entity, so it reports them under the entity's `@entity` and
// `config.route_type` / `config.model.provider`; declared on `config` here, they are reported
// under `config`. The checks and messages are Kong's.
const llmFormatChecks: readonly EntityCheck[] = [
  {
    conditional: {
      if_field: 'llm_format',
      if_match: { one_of: ['bedrock', 'gemini'] },
      then_field: 'route_type',
      then_match: { eq: 'llm/v1/chat' },
      then_err: "native provider options in llm_format can only be used with the 'llm/v1/chat' route_type",
    },
  },
  ...(['bedrock', 'gemini'] as const).map((format): EntityCheck => ({
    conditional: {
      if_field: 'llm_format',
      if_match: { eq: format },
      then_field: 'model.provider',
      then_match: { eq: format },
      then_err: `native llm_format '${format}' can only be used with the '${format}' model.provider`,
    },
  })),
];

/**
 * The `config` schema of the `ai-proxy` plugin, field for field Kong 3.10's
 * (`kong/llm/schemas/init.lua` plus the fields of `kong/plugins/ai-proxy/schema.lua`): the same
 * types, bounds, enums, defaults and entity checks, with Kong's exact error messages.
 */
export const aiProxySchema: RecordField = {
  type: 'record',
  description: 'Proxies OpenAI-style chat and completion requests to the configured LLM provider.',
  fields: {
    route_type: {
      type: 'string',
      required: true,
      one_of: ROUTE_TYPES,
      description:
        'The API this route speaks (`llm/v1/chat`, `llm/v1/completions`), or `preserve` to pass bodies through untranslated.',
    },
    auth,
    model,
    logging,
    response_streaming: {
      type: 'string',
      default: 'allow',
      one_of: ['allow', 'deny', 'always'],
      description:
        'Server-sent event streaming: `allow` it when the client asks, `deny` it (400), or `always` stream.',
    },
    max_request_body_size: {
      type: 'integer',
      default: 8192,
      gt: 0,
      description: 'Largest request body, in bytes, that the plugin reads to translate.',
    },
    model_name_header: {
      type: 'boolean',
      default: true,
      description: 'Send the `X-Kong-LLM-Model: <provider>/<model>` response header.',
    },
    llm_format: {
      type: 'string',
      default: 'openai',
      one_of: ['openai', 'bedrock', 'gemini'],
      description:
        'The format clients send: `openai`, or a provider’s native format (`bedrock`, `gemini`), proxied as is.',
    },
  },
  entity_checks: [...llmChecks, ...llmFormatChecks],
};
