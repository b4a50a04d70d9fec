export { aiProxySchema } from './ai-proxy.schema.js';
export { aiProxyPlugin } from './ai-proxy.plugin.js';
export type { AiProxyConfig } from './ai-proxy.config.js';
