import { CLIENT_FORMATS, PROVIDER_IDS, type RecordField } from '@switchyard/plugin-api';

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

/**
 * The `config` schema of the `ai-rate-limiting-advanced` plugin: the fields of Kong's Enterprise
 * plugin this gateway implements (same names, enums and defaults), plus two of its own
 * (`redis_failure_policy`, `completion_tokens_estimate`). Redis itself is the proxy's
 * (`REDIS_URL`, `REDIS_PREFIX`), not configured per plugin.
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
      one_of: ['consumer', 'credential', 'ip', 'service', 'header'],
      description:
        'What a request is counted against. `consumer` and `credential` fall back to the client IP when the request has none.',
    },
    header_name: {
      type: 'string',
      description: 'The header whose value identifies the caller, for `identifier` `header`.',
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
            one_of: PROVIDER_IDS,
            description: 'The provider whose requests these limits count (the `ai-proxy` model provider).',
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
      one_of: ['local', 'redis'],
      description:
        "`local`: counters in each proxy process; `redis`: counters in the proxy's Redis (`REDIS_URL`), shared by every node.",
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
