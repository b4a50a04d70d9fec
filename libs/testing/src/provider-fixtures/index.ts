export * from './provider-request.js';
