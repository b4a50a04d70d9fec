export { anthropicProvider } from './anthropic.provider.js';
