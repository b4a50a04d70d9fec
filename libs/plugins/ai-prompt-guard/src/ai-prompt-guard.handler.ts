import { GatewayError } from '@switchyard/plugin-api';
import type { PluginHandler } from '@switchyard/plugin-api';
import { checkRequestBodySize, promptRequestOf } from '@switchyard/llm';
import type { AiPromptGuardConfig } from './ai-prompt-guard.config.js';
import { compileGuardPattern } from './guard-patterns.js';
import { BAD_PROMPT_FORMAT, collectPrompts, sourceAt, type PromptSource } from './prompt-collector.js';

/** Where the guard records why it refused a request, in the access log line (`ai.<plugin name>`). */
export const AI_PROMPT_GUARD_LOG = 'ai.ai-prompt-guard';

/** Kong's answer to a refused prompt: the same for every reason, so the client does not learn of the guard. */
export const BLOCKED_MESSAGE = 'bad request';

/**
 * The guard's log entry for a refused request: why, and for a deny pattern which one and where
 * it matched. Never the prompt itself.
 */
export interface PromptGuardLogEntry {
  /** Kong's reason: "prompt pattern is blocked", "prompt doesn't match any allowed pattern", or the format error. */
  readonly blocked: string;
  /** The deny pattern that matched. */
  readonly pattern?: string;
  /** Where the match begins: a message by its index in `messages` and its role, or the completions `prompt`. */
  readonly matched?: PromptSource;
}

/**
 * The `access` phase of one `ai-prompt-guard` plugin entity (Kong's `guard-prompt` filter): the
 * request's prompt (see `collectPrompts`), as the plugins before it left it, is refused with
 * Kong's 400 "bad request" when a deny pattern matches it, or when allow patterns are set and
 * none matches. The request then never reaches the model; the reason goes to the log.
 */
export function createAiPromptGuardHandler(config: AiPromptGuardConfig): PluginHandler {
  const deny = (config.deny_patterns ?? []).map(compileGuardPattern);
  const allow = (config.allow_patterns ?? []).map(compileGuardPattern);
  const options = { latestOnly: config.allow_all_conversation_history, allRoles: config.match_all_roles };

  function verdict(body: Readonly<Record<string, unknown>>): PromptGuardLogEntry | undefined {
    const prompts = collectPrompts(body, options);
    if (prompts === undefined) return { blocked: BAD_PROMPT_FORMAT };
    for (const pattern of deny) {
      const match = pattern.exec(prompts.text);
      if (match === null) continue;
      const matched = sourceAt(prompts, match.start);
      return { blocked: 'prompt pattern is blocked', pattern: pattern.source, ...(matched && { matched }) };
    }
    if (allow.length === 0 || allow.some((pattern) => pattern.test(prompts.text))) return undefined;
    return { blocked: "prompt doesn't match any allowed pattern" };
  }

  return {
    access(ctx) {
      checkRequestBodySize(ctx, config.max_request_body_size);
      const refused = verdict(promptRequestOf(ctx).body);
      if (refused === undefined) return;
      ctx.log[AI_PROMPT_GUARD_LOG] = refused;
      throw new GatewayError(400, BLOCKED_MESSAGE);
    },
  };
}
