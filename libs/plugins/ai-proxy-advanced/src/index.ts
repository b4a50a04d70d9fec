export { aiProxyAdvancedPlugin } from './ai-proxy-advanced.plugin.js';
export { aiProxyAdvancedSchema } from './ai-proxy-advanced.schema.js';
export { createAiProxyAdvancedHandler } from './ai-proxy-advanced.handler.js';
export type { AiProxyAdvancedConfig, AiProxyAdvancedTarget } from './ai-proxy-advanced.config.js';
export type { BalancerLogMeta } from './balanced-request.js';
