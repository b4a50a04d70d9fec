export * from './mock-provider.types.js';
export * from './mock-provider-server.js';
export { SIGNATURE_MISMATCH_MESSAGE } from './bedrock.mock-provider.js';
