export { geminiProvider } from './gemini.provider.js';
