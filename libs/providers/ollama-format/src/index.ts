export { OLLAMA_PATHS, OLLAMA_TRANSLATIONS } from './ollama.translations.js';
