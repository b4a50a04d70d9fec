export * from './mock-provider.types.js';
export * from './mock-provider-server.js';
export { bedrockEventFrame, SIGNATURE_MISMATCH_MESSAGE } from './bedrock.mock-provider.js';
