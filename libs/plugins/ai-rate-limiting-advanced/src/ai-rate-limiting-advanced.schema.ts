import { CLIENT_FORMATS, PROVIDER_IDS, type RecordField } from '@switchyard/plugin-api';
import { kongRedisSchema } from './kong-redis.schema.js';
import { UNSUPPORTED_FIELD_CHECKS } from './unsupported-fields.js';

type ProviderEntry = { name: string; limit: unknown[]; window_size: unknown[] };

function badWindows(value: Readonly<Record<string, unknown>>): string | undefined {
  const providers = value['llm_providers'] as readonly ProviderEntry[];
  if (providers.length === 0) return 'llm_providers: at least one provider is required';
  const empty = providers.find((provider) => provider.limit.length === 0);
  if (empty) return `llm_providers '${empty.name}': at least one limit is required`;
  const bad = providers.find((provider) => provider.limit.length !== provider.window_size.length);
  return bad && `llm_providers '${bad.name}': limit and window_size must have the same number of entries`;
}

function duplicateProviders(value: Readonly<Record<string, unknown>>): string | undefined {
  const names = (value['llm_providers'] as readonly { name: string }[]).map((provider) => provider.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  return twice && `llm_providers: '${twice}' is listed twice`;
}

const positiveNumbers = (description: string): RecordField['fields'][string] => ({
  type: 'array',
  required: true,
  elements: { type: 'number', gt: 0, description },
  description,
});

/** Kong's `policies[]` (match conditions and limits), declared for its types and then refused. */
const policiesField: RecordField['fields'][string] = {
  type: 'array',
  description:
    "Kong's policy-based limits (match conditions and their limits). Not supported by this gateway: refused with a 400; use `llm_providers`.",
  elements: {
    type: 'record',
    description: 'One policy.',
    fields: {
      id: { type: 'string', description: 'A reusable policy entity id (Kong).' },
      window_type: {
        type: 'string',
        default: 'sliding',
        one_of: ['sliding', 'fixed'],
        description: "The policy's window type.",
      },
      match: {
        type: 'array',
        description: 'Conditions, all of which the request must match.',
        elements: {
          type: 'record',
          description: 'One condition.',
          fields: {
            type: {
              type: 'string',
              required: true,
              one_of: ['consumer', 'consumer_group', 'header', 'ip', 'model', 'path', 'provider'],
              description: 'The attribute matched.',
            },
            key: { type: 'string', description: 'The sub-key (consumer field, group field, header name).' },
            values: {
              type: 'array',
              elements: { type: 'string', description: 'A value.' },
              description: 'Values to match; any when absent.',
            },
            partition_by: {
              type: 'boolean',
              default: false,
              description: 'The matched value is part of the counter key.',
            },
          },
        },
      },
      limits: {
        type: 'array',
        description: 'The limits enforced when the policy matches.',
        elements: {
          type: 'record',
          description: 'One limit.',
          fields: {
            limit: { type: 'number', required: true, description: 'The most counted in the window.' },
            window_size: { type: 'integer', required: true, description: 'The window, in seconds.' },
            tokens_count_strategy: {
              type: 'string',
              default: 'total_tokens',
              one_of: ['total_tokens', 'prompt_tokens', 'completion_tokens', 'cost'],
              description: 'What the limit counts.',
            },
          },
        },
      },
    },
  },
};

/**
 * The `config` schema of the `ai-rate-limiting-advanced` plugin: every field of Kong's
 * Enterprise plugin (same names, types, enums and defaults), plus two of its own
 * (`redis_failure_policy`, `completion_tokens_estimate`). Kong's settings come in three kinds:
 * honoured (`strategy` `cluster` counts as `redis` does, `namespace` shares counters), accepted
 * with no effect (the `redis` record: Redis is the proxy's, `REDIS_URL` and `REDIS_PREFIX`;
 * `sync_rate`, `dictionary_name`, `decrease_by_fractions_in_redis`, `disable_penalty`, `path`),
 * and refused with a message saying this gateway does not support them (`UNSUPPORTED_FIELD_CHECKS`).
 */
export const aiRateLimitingAdvancedSchema: RecordField = {
  type: 'record',
  description:
    'Limits the tokens (or the cost) of LLM requests per caller and provider, in sliding or fixed windows.',
  fields: {
    identifier: {
      type: 'string',
      required: true,
      default: 'consumer',
      one_of: ['consumer', 'credential', 'ip', 'service', 'header', 'path', 'consumer-group'],
      description:
        "What a request is counted against. `consumer` and `credential` fall back to the client IP when the request has none. Kong's `path` and `consumer-group` are refused (not supported by this gateway).",
    },
    header_name: {
      type: 'string',
      description: 'The header whose value identifies the caller, for `identifier` `header`.',
    },
    path: {
      type: 'string',
      description:
        "Kong's path for `identifier` `path`, which this gateway refuses: accepted with no effect for any other identifier.",
    },
    llm_providers: {
      type: 'array',
      required: true,
      description: 'The limits, per provider: `limit[i]` in every `window_size[i]` seconds.',
      elements: {
        type: 'record',
        description: 'One provider and its windows.',
        fields: {
          name: {
            type: 'string',
            required: true,
            one_of: [...PROVIDER_IDS, 'customCost', 'requestPrompt'],
            description:
              "The provider whose requests these limits count (the `ai-proxy` model provider). Kong's `customCost` and `requestPrompt` are refused (not supported by this gateway).",
          },
          limit: positiveNumbers('The most tokens (or cost) let through in the window of the same index.'),
          window_size: positiveNumbers('A window length, in seconds.'),
        },
      },
    },
    strategy: {
      type: 'string',
      required: true,
      default: 'local',
      one_of: ['local', 'redis', 'cluster'],
      description:
        "`local`: counters in each proxy process; `redis`: counters in the proxy's Redis (`REDIS_URL`, `REDIS_PREFIX`; not the `redis` record), shared by every node; `cluster` (Kong's counters in its database): the same shared counters as `redis`, exact across nodes (the process's own where the gateway runs without Redis).",
    },
    redis: kongRedisSchema,
    sync_rate: {
      type: 'number',
      description:
        "Kong's interval between counter synchronisations. Accepted, no effect: counters are reserved and settled synchronously on every request here (as Kong's `0`).",
    },
    namespace: {
      type: 'string',
      description:
        'Prefixes the counter keys: plugin entities with the same namespace (and the same `strategy`) share their counters; absent, each entity counts alone.',
    },
    dictionary_name: {
      type: 'string',
      default: 'kong_rate_limiting_counters',
      description:
        "Kong's nginx shared dictionary for the counters. Accepted, no effect: the process's counters are in memory, the shared ones in the proxy's Redis.",
    },
    decrease_by_fractions_in_redis: {
      type: 'boolean',
      default: false,
      description:
        'Kong decreases Redis counters by whole numbers unless set. Accepted, no effect: counters here are always settled to the exact (fractional) amount.',
    },
    disable_penalty: {
      type: 'boolean',
      default: false,
      description:
        "Kong's switch to not count refused requests. Accepted, no effect: a refused request is never counted here (its reservation is given back), as Kong's `true`.",
    },
    policies: policiesField,
    custom_cost_count_function: {
      type: 'string',
      description:
        "Kong's Lua function computing a request's cost. Not supported by this gateway: refused with a 400.",
    },
    request_prompt_count_function: {
      type: 'string',
      description:
        "Kong's Lua function counting requests for the `requestPrompt` provider. Not supported by this gateway: refused with a 400.",
    },
    window_type: {
      type: 'string',
      required: true,
      default: 'sliding',
      one_of: ['sliding', 'fixed'],
      description:
        '`sliding` adds the previous window weighted by its part still inside the window; `fixed` counts the current window alone.',
    },
    tokens_count_strategy: {
      type: 'string',
      required: true,
      default: 'total_tokens',
      one_of: ['total_tokens', 'prompt_tokens', 'completion_tokens', 'cost'],
      description:
        "What a request costs: its tokens of a kind, or `cost` (the model options' `input_cost`/`output_cost`, per million tokens).",
    },
    llm_format: {
      type: 'string',
      required: true,
      default: 'openai',
      one_of: CLIENT_FORMATS,
      description: "The format of the requests the plugin estimates (the route's `ai-proxy` `llm_format`).",
    },
    error_code: {
      type: 'integer',
      required: true,
      default: 429,
      gt: 0,
      description: 'The status a request over the limit is refused with.',
    },
    error_message: {
      type: 'string',
      required: true,
      default: 'AI token rate limit exceeded for provider(s): ',
      description:
        'The message of the refusal; the providers over their limits are appended unless `error_hide_providers`.',
    },
    error_hide_providers: {
      type: 'boolean',
      required: true,
      default: false,
      description: 'Leave the providers out of the refusal message.',
    },
    hide_client_headers: {
      type: 'boolean',
      required: true,
      default: false,
      description: 'Send no `X-AI-RateLimit-*` headers.',
    },
    retry_after_jitter_max: {
      type: 'number',
      required: true,
      default: 0,
      between: [0, 86_400],
      description: 'Up to this many seconds, at random, added to `Retry-After`.',
    },
    redis_failure_policy: {
      type: 'string',
      required: true,
      default: 'fail_open',
      one_of: ['fail_open', 'fail_closed'],
      description:
        'With `strategy` `redis` and Redis unreachable: let requests through uncounted (a counted warning), or refuse them with 503.',
    },
    completion_tokens_estimate: {
      type: 'integer',
      required: true,
      default: 256,
      between: [0, 10_000_000],
      description:
        'Completion tokens reserved before the answer for a request that sets no `max_tokens`; the real count replaces it after.',
    },
  },
  entity_checks: [
    ...UNSUPPORTED_FIELD_CHECKS,
    { custom: badWindows, field_sources: ['llm_providers'] },
    { custom: duplicateProviders, field_sources: ['llm_providers'] },
    {
      conditional: {
        if_field: 'identifier',
        if_match: { eq: 'header' },
        then_field: 'header_name',
        then_match: { required: true },
      },
    },
  ],
};
