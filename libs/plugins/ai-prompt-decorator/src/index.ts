export { aiPromptDecoratorPlugin } from './ai-prompt-decorator.plugin.js';
export { aiPromptDecoratorSchema } from './ai-prompt-decorator.schema.js';
