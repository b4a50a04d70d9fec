import type { ModelOptions, ProviderId, RouteType } from '@switchyard/plugin-api';

/** `config.auth`: how the gateway authenticates to the provider. */
export interface AiProxyAuthConfig {
  readonly header_name?: string | null;
  readonly header_value?: string | null;
  readonly param_name?: string | null;
  readonly param_value?: string | null;
  readonly param_location?: 'query' | 'body' | null;
  readonly gcp_use_service_account?: boolean | null;
  readonly gcp_service_account_json?: string | null;
  readonly aws_access_key_id?: string | null;
  readonly aws_secret_access_key?: string | null;
  /** A credential the client sends under the same name is kept instead of the configured one. */
  readonly allow_override?: boolean | null;
}

/** `config.model`: the provider, the model name and its options, as configured (templates unresolved). */
export interface AiProxyModelConfig {
  readonly provider: ProviderId;
  /** May hold `$(headers.x)`, `$(uri_captures.x)` or `$(query_params.x)` templates. */
  readonly name?: string | null;
  /** Every string option may hold templates, as `name`. */
  readonly options?: ModelOptions | null;
}

export interface AiProxyLoggingConfig {
  readonly log_statistics: boolean;
  readonly log_payloads: boolean;
}

/**
 * The `config` of one `ai-proxy` plugin entity, as `aiProxySchema` describes it: validated and
 * with defaults filled by the time it reaches `createHandler`.
 */
export interface AiProxyConfig {
  readonly route_type: RouteType;
  readonly auth?: AiProxyAuthConfig | null;
  readonly model: AiProxyModelConfig;
  readonly logging: AiProxyLoggingConfig;
  readonly response_streaming: 'allow' | 'deny' | 'always';
  /** Largest request body the plugin accepts, in bytes. */
  readonly max_request_body_size: number;
  /** Send `X-Kong-LLM-Model: <provider>/<model>` on successful answers. */
  readonly model_name_header: boolean;
  /** The format clients send: `openai`, or a provider's native format. */
  readonly llm_format: 'openai' | 'bedrock' | 'gemini';
}
