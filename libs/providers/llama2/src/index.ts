export { llama2Provider } from './llama2.provider.js';
