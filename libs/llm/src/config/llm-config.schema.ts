import {
  PROVIDER_IDS,
  ROUTE_TYPES,
  type EntityCheck,
  type ProviderId,
  type ProviderRegistry,
  type RecordField,
  type SchemaField,
} from '@switchyard/plugin-api';
import type { ProviderSchemaSlice } from './provider-schema-slice.js';

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
      encrypted: true,
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

/** The members of `model.options` that concern every provider (Kong's order), before the providers' own. */
const sharedOptionFields: Readonly<Record<string, SchemaField>> = {
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

/** Kong's checks that concern every provider, run before the providers' own. */
const sharedChecks: readonly EntityCheck[] = [
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
];

/** The schema slice of every registered driver, in Kong's order of providers. */
function providerSlices(providers: ProviderRegistry): ProviderSchemaSlice[] {
  return PROVIDER_IDS.flatMap((id) => {
    const slice = providers.get(id);
    return slice ? [slice] : [];
  });
}

/**
 * An `llm/v1/embeddings` route names a provider with an embeddings API (a driver whose table has
 * the route type): anthropic and llama2 have none, and a config naming them is refused with the
 * words Kong answers their requests with, rather than accepted to fail every request.
 */
function embeddingsServedCheck(providers: ProviderRegistry): EntityCheck {
  return {
    field_sources: ['route_type', 'model'],
    custom: (config) => {
      if (config['route_type'] !== 'llm/v1/embeddings') return undefined;
      const provider = (config['model'] as { provider: ProviderId }).provider;
      return providers.get(provider)?.routes['llm/v1/embeddings']
        ? undefined
        : `no transformer for ${provider}://llm/v1/embeddings`;
    },
  };
}

/** Kong's shared `llm` fields and checks, to be laid into a plugin's config record (or a record of its own). */
export interface LlmSchemaParts {
  /** `route_type`, `auth`, `model`, `logging`, in Kong's order. */
  readonly fields: Readonly<Record<string, SchemaField>>;
  /** The checks across them, with Kong's messages (paths relative to the record holding `fields`). */
  readonly checks: readonly EntityCheck[];
}

/**
 * Kong's shared `llm` schema (`kong/llm/schemas/init.lua`), with `model.options` and the
 * provider checks composed from the registered drivers' slices.
 */
export function llmSchemaParts(providers: ProviderRegistry): LlmSchemaParts {
  const slices = providerSlices(providers);
  const options: RecordField = {
    type: 'record',
    description:
      'Model settings: tuning values that override the client’s, costs, and provider-specific options.',
    fields: Object.assign({}, sharedOptionFields, ...slices.map((slice) => slice.optionFields ?? {})),
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
  return {
    fields: {
      route_type: {
        type: 'string',
        required: true,
        one_of: ROUTE_TYPES,
        description:
          'The API this route speaks (`llm/v1/chat`, `llm/v1/completions`, `llm/v1/embeddings`, `llm/v1/responses`: OpenAI’s Responses API, served by every provider), or `preserve` to pass bodies through untranslated.',
      },
      auth,
      model,
      logging,
    },
    checks: [
      ...sharedChecks,
      embeddingsServedCheck(providers),
      ...slices.flatMap((slice) => slice.configChecks ?? []),
    ],
  };
}
