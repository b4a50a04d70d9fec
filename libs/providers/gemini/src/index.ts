export {
  createGeminiProvider,
  DEFAULT_TOKEN_REFRESH_MARGIN_MS,
  geminiProvider,
  type GeminiProviderOptions,
} from './gemini.provider.js';
