import { definePlugin } from '@switchyard/plugin-api';
import type { AiPromptTemplateConfig } from './ai-prompt-template.config.js';
import { createAiPromptTemplateHandler } from './ai-prompt-template.handler.js';
import { aiPromptTemplateSchema } from './ai-prompt-template.schema.js';

/**
 * The `ai-prompt-template` plugin: Kong's name and priority (773: the first of the prompt
 * plugins, so that the decorator (772), the guard (771) and `ai-proxy` (770) see the rendered
 * request), its schema, and Kong's `no_consumer`: it cannot be scoped to a consumer.
 */
export const aiPromptTemplatePlugin = definePlugin<AiPromptTemplateConfig>({
  name: 'ai-prompt-template',
  priority: 773,
  noConsumer: true,
  schema: aiPromptTemplateSchema,
  createHandler: (config) => createAiPromptTemplateHandler(config),
});
