export type { LlmConfig, LlmLoggingConfig, LlmModelConfig } from './config/llm-config.js';
export { llmSchemaParts, type LlmSchemaParts } from './config/llm-config.schema.js';
export { llmProxyFields } from './config/llm-proxy.schema.js';
export { clientFormatCheck, clientFormatSupport } from './config/client-format-check.js';
export type { ProviderSchemaSlice } from './config/provider-schema-slice.js';
export { createCredentialPlacement } from './auth/credential-placement.js';
export {
  checkRequestBodySize,
  currentRequestBody,
  llmRequestOf,
  ONLY_JSON_REQUESTS,
  promptRequestOf,
  replaceRequestBody,
  rewriteLlmRequest,
} from './request/llm-request.js';
export { compileLlmTarget, type LlmTarget, type LlmTargetSettings } from './exchange/llm-target.js';
export type { LlmExchange } from './exchange/llm-exchange.js';
export { readableAnswerBody } from './exchange/answer-body.js';
export {
  compileLlmClient,
  type LlmClient,
  type LlmClientOptions,
  type LlmCompletion,
} from './client/llm-client.js';
export { LlmCallError, type LlmCallFailure } from './client/llm-call-error.js';
export type { LlmHttpOptions } from './client/llm-http.js';
export type { LlmTransformerConfig } from './transformer/llm-transformer.config.js';
export { llmTransformerSchema, type LlmTransformerSchemaText } from './transformer/llm-transformer.schema.js';
export {
  compileLlmTransformer,
  type LlmTransformer,
  type LlmTransformerSettings,
} from './transformer/llm-transformer.js';
export { createFrameParser } from './stream/create-frame-parser.js';
export type { FrameParser } from './stream/frame-parser.js';
export { LOG_NAMESPACE, type AiProxyLogEntry } from './telemetry/analytics.js';
export { estimatePromptTokens } from './telemetry/token-estimates.js';
