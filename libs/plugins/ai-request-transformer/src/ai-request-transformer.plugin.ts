import { definePlugin } from '@switchyard/plugin-api';
import type { LlmTransformerConfig } from '@switchyard/llm';
import { createAiRequestTransformerHandler } from './ai-request-transformer.handler.js';
import { aiRequestTransformerSchema } from './ai-request-transformer.schema.js';

/**
 * The `ai-request-transformer` plugin: Kong's name and priority (777, before the prompt plugins
 * and `ai-proxy`), its config schema, and a model of any provider of the environment rewriting
 * the request body before it is proxied.
 */
export const aiRequestTransformerPlugin = definePlugin<LlmTransformerConfig>({
  name: 'ai-request-transformer',
  priority: 777,
  schema: (env) => aiRequestTransformerSchema(env.providers),
  createHandler: (config, scope, env) => createAiRequestTransformerHandler(config, scope, env.providers),
});
