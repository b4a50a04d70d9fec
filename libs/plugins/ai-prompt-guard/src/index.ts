export { aiPromptGuardPlugin } from './ai-prompt-guard.plugin.js';
export { aiPromptGuardSchema } from './ai-prompt-guard.schema.js';
export { AI_PROMPT_GUARD_LOG, type PromptGuardLogEntry } from './ai-prompt-guard.handler.js';
