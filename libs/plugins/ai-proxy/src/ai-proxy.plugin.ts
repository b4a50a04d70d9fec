import type { PluginDefinition } from '@switchyard/plugin-api';
import { aiProxySchema } from './ai-proxy.schema.js';

/** The `ai-proxy` plugin: Kong's name and priority (770, after the prompt plugins), and its config schema. */
export const aiProxyPlugin: PluginDefinition = {
  name: 'ai-proxy',
  priority: 770,
  schema: aiProxySchema,
};
