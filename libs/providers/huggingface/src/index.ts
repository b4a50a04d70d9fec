export { huggingfaceProvider } from './huggingface.provider.js';
