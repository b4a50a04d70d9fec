import type { LlmTransformerConfig } from '@switchyard/llm';

/** The `config` of one `ai-response-transformer` plugin entity, as its schema describes it. */
export interface AiResponseTransformerConfig extends LlmTransformerConfig {
  /** Read the model's answer as `{status, headers, body}` instructions for the client's response. */
  readonly parse_llm_response_json_instructions: boolean;
}
