import type { LlmConfig } from '@switchyard/llm';
import type { ClientFormat } from '@switchyard/plugin-api';

/**
 * The `config` of one `ai-proxy` plugin entity, as `aiProxySchema` describes it: Kong's shared
 * `llm` record plus the plugin's own fields, validated and with defaults filled by the time it
 * reaches `createHandler`.
 */
export interface AiProxyConfig extends LlmConfig {
  readonly response_streaming: 'allow' | 'deny' | 'always';
  /** Largest request body the plugin accepts, in bytes. */
  readonly max_request_body_size: number;
  /** Send `X-Kong-LLM-Model: <provider>/<model>` on successful answers. */
  readonly model_name_header: boolean;
  /** The API clients speak to the route: `openai`, or a provider's native API (`anthropic`). */
  readonly llm_format: ClientFormat;
}
