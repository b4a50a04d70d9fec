/** A named request template. */
export interface PromptTemplate {
  /** What a client calls it by: `{template://<name>}`. */
  readonly name: string;
  /** The whole request body as JSON text, with `{{property}}` placeholders. */
  readonly template: string;
}

/**
 * The `config` of one `ai-prompt-template` plugin entity, as `aiPromptTemplateSchema` describes
 * it, validated and with defaults filled by the time it reaches `createHandler`.
 */
export interface AiPromptTemplateConfig {
  readonly templates: readonly PromptTemplate[];
  /** Let requests through that call no template (plain chats and prompts). */
  readonly allow_untemplated_requests: boolean;
  /** Record the request body as it reached the plugin in the log (`ai.payload.original_request`). */
  readonly log_original_request: boolean;
  /** Largest request body, in bytes, the plugin reads (a larger one is a 413). */
  readonly max_request_body_size: number;
}
