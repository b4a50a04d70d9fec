export * from './azure.provider.js';
