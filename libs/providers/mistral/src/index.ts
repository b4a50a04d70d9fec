export { mistralProvider } from './mistral.provider.js';
