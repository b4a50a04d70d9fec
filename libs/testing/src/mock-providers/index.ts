export * from './mock-provider.types.js';
export * from './mock-provider-server.js';
export { SIGNATURE_MISMATCH_MESSAGE } from './bedrock.mock-provider.js';
export * from './google-token-endpoint.js';
export { MOCK_EMBEDDING_DIMENSIONS, mockEmbedding } from './mock-embeddings.js';
