export * from './cohere.provider.js';
