import type { LlmAuthConfig, ModelOptions, ProviderId, RouteType } from '@switchyard/plugin-api';

/** `config.model`: the provider, the model name and its options, as configured (templates unresolved). */
export interface LlmModelConfig {
  readonly provider: ProviderId;
  /** May hold `$(headers.x)`, `$(uri_captures.x)` or `$(query_params.x)` templates. */
  readonly name?: string | null;
  /** Every string option may hold templates, as `name`. */
  readonly options?: ModelOptions | null;
}

export interface LlmLoggingConfig {
  readonly log_statistics: boolean;
  readonly log_payloads: boolean;
}

/**
 * Kong's shared `llm` record (`kong/llm/schemas/init.lua`): what every AI plugin that calls a
 * model configures (`ai-proxy` at its top level; the transformers and `ai-proxy-advanced`'s
 * targets in their own records). Validated and defaults-filled by the time a plugin sees it.
 */
export interface LlmConfig {
  readonly route_type: RouteType;
  readonly auth?: LlmAuthConfig | null;
  readonly model: LlmModelConfig;
  readonly logging: LlmLoggingConfig;
}
