/**
 * The `config` of one `ai-prompt-guard` plugin entity, as `aiPromptGuardSchema` describes it,
 * validated and with defaults filled by the time it reaches `createHandler`.
 */
export interface AiPromptGuardConfig {
  /** Regular expressions (RE2) of which the checked prompt must match one; null or empty: any prompt. */
  readonly allow_patterns: readonly string[] | null;
  /** Regular expressions (RE2) none of which the checked prompt may match. */
  readonly deny_patterns: readonly string[] | null;
  /** Kong's name, inverted meaning: true checks only the latest checked message. */
  readonly allow_all_conversation_history: boolean;
  /** Largest request body, in bytes, the plugin reads (a larger one is a 413). */
  readonly max_request_body_size: number;
  /** Check the messages of every role, not only `user` ones. */
  readonly match_all_roles: boolean;
}
