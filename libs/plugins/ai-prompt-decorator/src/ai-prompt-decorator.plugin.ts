import { definePlugin } from '@switchyard/plugin-api';
import type { AiPromptDecoratorConfig } from './ai-prompt-decorator.config.js';
import { createAiPromptDecoratorHandler } from './ai-prompt-decorator.handler.js';
import { aiPromptDecoratorSchema } from './ai-prompt-decorator.schema.js';

/**
 * The `ai-prompt-decorator` plugin: Kong's name and priority (772: after the template (773)
 * rendered the request, before the guard (771) checks it and `ai-proxy` (770) sends it), its
 * schema, and the configured messages added around the client's.
 */
export const aiPromptDecoratorPlugin = definePlugin<AiPromptDecoratorConfig>({
  name: 'ai-prompt-decorator',
  priority: 772,
  schema: aiPromptDecoratorSchema,
  createHandler: (config) => createAiPromptDecoratorHandler(config),
});
