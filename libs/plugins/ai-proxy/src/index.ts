export { aiProxySchema } from './ai-proxy.schema.js';
export { aiProxyPlugin, createAiProxyPlugin } from './ai-proxy.plugin.js';
export type {
  AiProxyAuthConfig,
  AiProxyConfig,
  AiProxyLoggingConfig,
  AiProxyModelConfig,
} from './ai-proxy.config.js';
export type { AiProxyLogEntry } from './analytics.js';
