export { OLLAMA_PATHS, OLLAMA_TRANSLATIONS } from './ollama.translations.js';
export { OLLAMA_EMBEDDINGS } from './ollama.embeddings.js';
