import { definePlugin } from '@switchyard/plugin-api';
import type { AiPromptGuardConfig } from './ai-prompt-guard.config.js';
import { createAiPromptGuardHandler } from './ai-prompt-guard.handler.js';
import { aiPromptGuardSchema } from './ai-prompt-guard.schema.js';

/**
 * The `ai-prompt-guard` plugin: Kong's name and priority (771: after the template (773) and the
 * decorator (772) shaped the prompt, before `ai-proxy` (770) sends it), its schema, and the
 * allow/deny check of the prompt on RE2.
 */
export const aiPromptGuardPlugin = definePlugin<AiPromptGuardConfig>({
  name: 'ai-prompt-guard',
  priority: 771,
  schema: aiPromptGuardSchema,
  createHandler: (config) => createAiPromptGuardHandler(config),
});
