export { aiResponseTransformerPlugin } from './ai-response-transformer.plugin.js';
export { aiResponseTransformerSchema } from './ai-response-transformer.schema.js';
export { AI_RESPONSE_TRANSFORMER_LOG } from './ai-response-transformer.handler.js';
export type { AiResponseTransformerConfig } from './ai-response-transformer.config.js';
