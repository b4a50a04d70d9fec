export { aiPromptTemplatePlugin } from './ai-prompt-template.plugin.js';
export { aiPromptTemplateSchema } from './ai-prompt-template.schema.js';
export { ORIGINAL_REQUEST_LOG } from './ai-prompt-template.handler.js';
