import { estimatePromptTokens, llmRequestOf } from '@switchyard/llm';
import type { LlmUsage, RequestContext } from '@switchyard/plugin-api';
import type {
  AiRateLimitingAdvancedConfig,
  TokensCountStrategy,
} from './ai-rate-limiting-advanced.config.js';

const COMPLETION_LIMITS = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'] as const;

/**
 * What a request is expected to count before its answer: Kong's prompt estimate (a token a word,
 * 1.8 a word for a stream) and, for completions, the request's own cap (`max_tokens`) else the
 * configured estimate. A `cost` budget reserves nothing ahead: the price of a token belongs to
 * the `ai-proxy` model, which this plugin does not see; it is charged when the answer is known.
 */
export function estimateRequest(ctx: RequestContext, config: AiRateLimitingAdvancedConfig): number {
  const strategy = config.tokens_count_strategy;
  if (strategy === 'cost') return 0;
  const body = llmRequestOf(ctx, config.llm_format).body;
  const prompt =
    strategy === 'completion_tokens' ? 0 : estimatePromptTokens(body, body['stream'] === true ? 1.8 : 1);
  if (strategy === 'prompt_tokens') return prompt;
  const cap = COMPLETION_LIMITS.map((name) => body[name]).find((value) => typeof value === 'number');
  return prompt + ((cap as number | undefined) ?? config.completion_tokens_estimate);
}

/** What an answer counts under `strategy`. */
export function countUsage(usage: LlmUsage, strategy: TokensCountStrategy): number {
  switch (strategy) {
    case 'total_tokens':
      return usage.promptTokens + usage.completionTokens;
    case 'prompt_tokens':
      return usage.promptTokens;
    case 'completion_tokens':
      return usage.completionTokens;
    case 'cost':
      return usage.cost;
  }
}
