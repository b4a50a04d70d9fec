export { aiRateLimitingAdvancedPlugin } from './ai-rate-limiting-advanced.plugin.js';
export { aiRateLimitingAdvancedSchema } from './ai-rate-limiting-advanced.schema.js';
export type { AiRateLimitingAdvancedConfig } from './ai-rate-limiting-advanced.config.js';
