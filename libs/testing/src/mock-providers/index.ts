export * from './mock-provider.types.js';
export * from './mock-provider-server.js';
export * from './google-token-endpoint.js';
