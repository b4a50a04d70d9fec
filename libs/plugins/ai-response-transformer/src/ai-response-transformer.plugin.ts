import { definePlugin } from '@switchyard/plugin-api';
import type { AiResponseTransformerConfig } from './ai-response-transformer.config.js';
import { createAiResponseTransformerHandler } from './ai-response-transformer.handler.js';
import { aiResponseTransformerSchema } from './ai-response-transformer.schema.js';

/**
 * The `ai-response-transformer` plugin: Kong's name and priority (768, after `ai-proxy`, so that
 * it reads the answer `ai-proxy` translated), its config schema, and a model of any provider of
 * the environment rewriting the upstream's answer before the client gets it.
 */
export const aiResponseTransformerPlugin = definePlugin<AiResponseTransformerConfig>({
  name: 'ai-response-transformer',
  priority: 768,
  schema: (env) => aiResponseTransformerSchema(env.providers),
  createHandler: (config, scope, env) => createAiResponseTransformerHandler(config, scope, env.providers),
});
