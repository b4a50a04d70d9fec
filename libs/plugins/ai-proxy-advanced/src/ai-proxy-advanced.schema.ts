import type { ProviderRegistry, RecordField } from '@switchyard/plugin-api';
import { llmProxyFields, llmSchemaParts } from '@switchyard/llm';

/** Kong's bounds of a timeout, in milliseconds (`typedefs.timeout`). */
const TIMEOUT_BOUNDS: readonly [number, number] = [0, 2 ** 31 - 2];

const FAILOVER_CRITERIA = [
  'error',
  'timeout',
  'invalid_header',
  'http_500',
  'http_502',
  'http_503',
  'http_504',
  'http_403',
  'http_404',
  'http_429',
  'non_idempotent',
];

const balancer: RecordField = {
  type: 'record',
  required: true,
  description: 'How targets are picked for each request, and when a request moves on to the next.',
  fields: {
    algorithm: {
      type: 'string',
      default: 'round-robin',
      one_of: [
        'round-robin',
        'lowest-latency',
        'lowest-usage',
        'consistent-hashing',
        'least-connections',
        'priority',
      ],
      description:
        'How a target is picked: `round-robin` by weight, `lowest-latency`, `lowest-usage`, `consistent-hashing` on `hash_on_header`, `least-connections`, or `priority` (the highest weight group first).',
    },
    tokens_count_strategy: {
      type: 'string',
      default: 'total-tokens',
      one_of: ['total-tokens', 'prompt-tokens', 'completion-tokens', 'cost'],
      description:
        '`lowest-usage`: what a target’s usage counts (tokens, or the cost from `input_cost`/`output_cost`); needs `logging.log_statistics` on the targets.',
    },
    latency_strategy: {
      type: 'string',
      default: 'tpot',
      one_of: ['tpot', 'e2e'],
      description:
        '`lowest-latency`: `tpot`, the time per output token (needs `logging.log_statistics` on the targets; the whole time without it), or `e2e`, the whole answer’s time.',
    },
    hash_on_header: {
      type: 'string',
      default: 'X-Kong-LLM-Request-ID',
      description:
        '`consistent-hashing`: the request header whose value keeps requests on one target; requests without it are balanced round-robin.',
    },
    slots: {
      type: 'integer',
      default: 10000,
      between: [10, 65536],
      description:
        'Kong’s hash ring size; accepted for compatibility (consistent hashing here needs no ring).',
    },
    retries: {
      type: 'integer',
      default: 5,
      between: [0, 32767],
      description: 'How many more targets a request may try after its first attempt failed.',
    },
    failover_criteria: {
      type: 'array',
      default: ['error', 'timeout'],
      elements: { type: 'string', one_of: FAILOVER_CRITERIA, description: 'A failover criterion.' },
      description:
        'Which failures move a request to the next target (and count for the circuit breaker); `non_idempotent` lets a POST fail over once it was sent.',
    },
    connect_timeout: {
      type: 'integer',
      default: 60000,
      between: TIMEOUT_BOUNDS,
      description: 'Milliseconds to connect to a target.',
    },
    read_timeout: {
      type: 'integer',
      default: 60000,
      between: TIMEOUT_BOUNDS,
      description: 'Milliseconds to wait for a target’s answer head, and between two of its stream events.',
    },
    write_timeout: {
      type: 'integer',
      default: 60000,
      between: TIMEOUT_BOUNDS,
      description: 'Milliseconds to send the request to a target.',
    },
    max_fails: {
      type: 'integer',
      default: 0,
      between: [0, 32767],
      description:
        'Failures (by `failover_criteria`) within `fail_timeout` that take a target out; 0 turns the circuit breaker off.',
    },
    fail_timeout: {
      type: 'integer',
      default: 10000,
      between: [1, 2 ** 31 - 2],
      description:
        'Milliseconds: the window failures are counted in, and how long a tripped target stays out.',
    },
  },
};

/**
 * The `config` schema of `ai-proxy-advanced`: Kong's `targets[]` (each the shared `llm` record,
 * with its checks, plus `weight` and `description`), `balancer`, and the fields `ai-proxy` has
 * beside its target. Kong's semantic routing (`embeddings`, `vectordb`) is not served.
 */
export function aiProxyAdvancedSchema(providers: ProviderRegistry): RecordField {
  const llm = llmSchemaParts(providers);
  const target: RecordField = {
    type: 'record',
    description: 'One model the balancer may send a request to.',
    fields: {
      ...llm.fields,
      weight: {
        type: 'integer',
        default: 100,
        between: [1, 65535],
        description: 'The target’s share of round-robin traffic; with `priority`, its group (higher first).',
      },
      description: {
        type: 'string',
        description: 'What the target is for (Kong’s semantic routing reads it; here it is documentation).',
      },
    },
    entity_checks: llm.checks,
  };
  return {
    type: 'record',
    description: 'Balances OpenAI-style requests over several LLM targets, with retries and failover.',
    fields: {
      targets: {
        type: 'array',
        required: true,
        elements: target,
        description: 'The models requests are balanced over, each a full LLM target of any provider.',
      },
      balancer,
      ...llmProxyFields,
    },
    entity_checks: [
      {
        custom: (config) =>
          Array.isArray(config.targets) && config.targets.length > 0
            ? undefined
            : 'must set at least one target in config.targets',
        field_sources: ['targets'],
      },
      {
        custom: (config) =>
          config.llm_format === 'openai'
            ? undefined
            : `llm_format '${String(config.llm_format)}' is not served by ai-proxy-advanced yet; its clients speak 'openai'`,
        field_sources: ['llm_format'],
      },
    ],
  };
}
