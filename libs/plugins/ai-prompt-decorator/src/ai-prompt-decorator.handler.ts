import { GatewayError } from '@switchyard/plugin-api';
import type { PluginHandler } from '@switchyard/plugin-api';
import { checkRequestBodySize, promptRequestOf, rewriteLlmRequest } from '@switchyard/llm';
import type { AiPromptDecoratorConfig, DecoratorMessage } from './ai-prompt-decorator.config.js';

/** Kong's 400 for a request without chat messages to decorate. */
export const NOT_A_CHAT = 'this LLM route only supports llm/chat type requests';

/** The configured messages as they are sent: `role` and `content`, nothing else. */
const sentMessages = (messages: readonly DecoratorMessage[] | null | undefined) =>
  (messages ?? []).map(({ role, content }) => Object.freeze({ role, content }));

/**
 * The `access` phase of one `ai-prompt-decorator` plugin entity (Kong's `decorate-prompt`
 * filter): the configured `prepend` messages go before the chat's messages and the `append` ones
 * after them, in their order; the rest of the request is kept. The decorated request is what the
 * guard checks and `ai-proxy` translates, and what a service without `ai-proxy` receives.
 */
export function createAiPromptDecoratorHandler(config: AiPromptDecoratorConfig): PluginHandler {
  const prepend = sentMessages(config.prompts?.prepend);
  const append = sentMessages(config.prompts?.append);
  return {
    access(ctx) {
      checkRequestBodySize(ctx, config.max_request_body_size);
      const { body } = promptRequestOf(ctx);
      const messages = body['messages'];
      if (!Array.isArray(messages) || messages.length === 0) throw new GatewayError(400, NOT_A_CHAT);
      rewriteLlmRequest(ctx, { ...body, messages: [...prepend, ...messages, ...append] });
    },
  };
}
