import { GatewayError } from '@switchyard/plugin-api';
import type { PluginHandler } from '@switchyard/plugin-api';
import {
  checkRequestBodySize,
  currentRequestBody,
  promptRequestOf,
  rewriteLlmRequest,
} from '@switchyard/llm';
import type { AiPromptTemplateConfig } from './ai-prompt-template.config.js';
import { compileTemplate, renderTemplate, type CompiledTemplate } from './template-renderer.js';

/** Where Kong logs the request as it reached the plugin (`ai.payload.original_request`). */
export const ORIGINAL_REQUEST_LOG = 'ai.payload';

const REFERENCE_START = '{template://';

/** The template name of a `{template://<name>}` reference, or `undefined` when `value` is none. */
function templateName(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith(REFERENCE_START) || !value.endsWith('}'))
    return undefined;
  return value.slice(REFERENCE_START.length, -1);
}

/**
 * The `access` phase of one `ai-prompt-template` plugin entity (Kong's `render-prompt-template`
 * filter): a request whose `messages` (chat) or `prompt` (completions) is `{template://<name>}`
 * is replaced by that template rendered with the request's `properties`; the decorator, the
 * guard and `ai-proxy` then work on the rendered request. Other requests pass unchanged, or get
 * Kong's 400 when `allow_untemplated_requests` is off.
 */
export function createAiPromptTemplateHandler(config: AiPromptTemplateConfig): PluginHandler {
  const templates = new Map<string, CompiledTemplate>();
  // Kong searches the list in order: the first template of a name wins.
  for (const { name, template } of config.templates)
    if (!templates.has(name)) templates.set(name, compileTemplate(name, template));

  return {
    access(ctx) {
      checkRequestBodySize(ctx, config.max_request_body_size);
      if (config.log_original_request)
        ctx.log[ORIGINAL_REQUEST_LOG] = { original_request: currentRequestBody(ctx).toString('utf8') };
      const { body } = promptRequestOf(ctx);
      const messages = body['messages'] ?? undefined;
      const prompt = body['prompt'] ?? undefined;
      if (messages !== undefined && prompt !== undefined)
        throw new GatewayError(400, "cannot run 'messages' and 'prompt' templates at the same time");
      const reference = messages ?? prompt;
      if (reference === undefined)
        throw new GatewayError(
          400,
          "only 'llm/v1/chat' and 'llm/v1/completions' formats are supported for templating",
        );

      const name = templateName(reference);
      if (name === undefined) {
        if (config.allow_untemplated_requests) return;
        throw new GatewayError(400, 'this LLM route only supports templated requests');
      }
      const template = templates.get(name);
      if (template === undefined) throw new GatewayError(400, `could not find template name [${name}]`);
      rewriteLlmRequest(ctx, renderTemplate(template, body['properties']));
    },
  };
}
