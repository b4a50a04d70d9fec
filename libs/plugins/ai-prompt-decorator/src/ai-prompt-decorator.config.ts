/** One message the decorator adds. */
export interface DecoratorMessage {
  readonly role: 'system' | 'assistant' | 'user';
  /** 1 to 500 bytes. */
  readonly content: string;
}

/**
 * The `config` of one `ai-prompt-decorator` plugin entity, as `aiPromptDecoratorSchema`
 * describes it, validated and with defaults filled by the time it reaches `createHandler`.
 */
export interface AiPromptDecoratorConfig {
  /** Null only in a config the Admin API refused (Kong's `at_least_one_of`). */
  readonly prompts: {
    /** Messages put before the client's, in this order. */
    readonly prepend: readonly DecoratorMessage[] | null;
    /** Messages put after the client's, in this order. */
    readonly append: readonly DecoratorMessage[] | null;
  } | null;
  /** Largest request body, in bytes, the plugin reads (a larger one is a 413). */
  readonly max_request_body_size: number;
}
