import type { ClientFormat } from '@switchyard/plugin-api';
import type { LlmConfig } from '@switchyard/llm';
import type { BalancerAlgorithm } from './balancer/selection.js';

/** One of `targets`: a full LLM target (Kong's shared `llm` record), its weight and description. */
export interface AiProxyAdvancedTarget extends LlmConfig {
  /** Its share of round-robin traffic, and its priority group. */
  readonly weight: number;
  readonly description: string | null;
}

/** Kong's `failover_criteria` values. */
export type FailoverCriterion =
  | 'error'
  | 'timeout'
  | 'invalid_header'
  | 'http_403'
  | 'http_404'
  | 'http_429'
  | 'http_500'
  | 'http_502'
  | 'http_503'
  | 'http_504'
  | 'non_idempotent';

/** `config.balancer`: how targets are picked and when a request moves to the next. */
export interface AiProxyAdvancedBalancer {
  readonly algorithm: BalancerAlgorithm;
  readonly tokens_count_strategy: 'total-tokens' | 'prompt-tokens' | 'completion-tokens' | 'cost';
  readonly latency_strategy: 'tpot' | 'e2e';
  readonly hash_on_header: string;
  readonly slots: number;
  readonly retries: number;
  readonly failover_criteria: readonly FailoverCriterion[];
  readonly connect_timeout: number;
  readonly read_timeout: number;
  readonly write_timeout: number;
  readonly max_fails: number;
  /** Milliseconds. */
  readonly fail_timeout: number;
}

/**
 * The `config` of one `ai-proxy-advanced` plugin entity, as `aiProxyAdvancedSchema` describes it,
 * validated and with defaults filled by the time it reaches `createHandler`.
 */
export interface AiProxyAdvancedConfig {
  readonly targets: readonly AiProxyAdvancedTarget[];
  readonly balancer: AiProxyAdvancedBalancer;
  readonly response_streaming: 'allow' | 'deny' | 'always';
  readonly max_request_body_size: number;
  readonly model_name_header: boolean;
  readonly llm_format: ClientFormat;
}
