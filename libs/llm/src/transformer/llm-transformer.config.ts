import type { LlmConfig } from '../config/llm-config.js';

/**
 * The `config` Kong's AI transformer plugins share (`ai-request-transformer`,
 * `ai-response-transformer`): the instructions, how the model's answer is cut, how the gateway
 * reaches the model, and the model itself in its own `llm` record. Validated and defaults-filled
 * by the time a plugin sees it (see `llmTransformerSchema`).
 */
export interface LlmTransformerConfig {
  /** The system message: what the model is to do with the body. */
  readonly prompt: string;
  /** A regex whose first match in the model's answer is the new body; `null` takes the whole answer. */
  readonly transformation_extract_pattern?: string | null;
  /** The longest one call to the model may take, in milliseconds. */
  readonly http_timeout: number;
  /** Verify the model's TLS certificate. */
  readonly https_verify: boolean;
  /** The largest request body, in bytes, the plugin takes. */
  readonly max_request_body_size: number;
  /** The forward proxy for `http://` model URLs, when set (with its port). */
  readonly http_proxy_host?: string | null;
  readonly http_proxy_port?: number | null;
  /** The forward proxy for `https://` model URLs, when set (with its port). */
  readonly https_proxy_host?: string | null;
  readonly https_proxy_port?: number | null;
  /** The model that transforms the body. */
  readonly llm: LlmConfig;
}
