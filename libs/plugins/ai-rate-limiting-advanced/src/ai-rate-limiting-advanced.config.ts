import type { ClientFormat, ProviderId, WindowType } from '@switchyard/plugin-api';

/** What a request is counted against (Kong's `identifier`). */
export type RateLimitIdentifier = 'consumer' | 'credential' | 'ip' | 'service' | 'header';

/** What a request costs (Kong's `tokens_count_strategy`). */
export type TokensCountStrategy = 'total_tokens' | 'prompt_tokens' | 'completion_tokens' | 'cost';

/** One provider's limits: `limit[i]` per `window_size[i]` seconds. */
export interface ProviderLimits {
  readonly name: ProviderId;
  readonly limit: readonly number[];
  readonly window_size: readonly number[];
}

/**
 * The `config` of one `ai-rate-limiting-advanced` plugin entity, as its schema describes it,
 * validated and with defaults filled by the time it reaches `createHandler`.
 */
export interface AiRateLimitingAdvancedConfig {
  readonly identifier: RateLimitIdentifier;
  /** The header whose value identifies the caller, for `identifier` `header`. */
  readonly header_name: string | null;
  readonly llm_providers: readonly ProviderLimits[];
  readonly strategy: 'local' | 'redis';
  readonly window_type: WindowType;
  readonly tokens_count_strategy: TokensCountStrategy;
  readonly llm_format: ClientFormat;
  readonly error_code: number;
  readonly error_message: string;
  readonly error_hide_providers: boolean;
  readonly hide_client_headers: boolean;
  readonly retry_after_jitter_max: number;
  /** Switchyard's: what a `strategy=redis` request does when Redis cannot be reached. */
  readonly redis_failure_policy: 'fail_open' | 'fail_closed';
  /** Switchyard's: completion tokens reserved for a request without `max_tokens`. */
  readonly completion_tokens_estimate: number;
}
