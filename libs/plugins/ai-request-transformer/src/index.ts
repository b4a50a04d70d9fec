export { aiRequestTransformerPlugin } from './ai-request-transformer.plugin.js';
export { aiRequestTransformerSchema } from './ai-request-transformer.schema.js';
export { AI_REQUEST_TRANSFORMER_LOG } from './ai-request-transformer.handler.js';
