import type { ProviderDriver } from '@switchyard/plugin-api';
import { upstreamPath } from '@switchyard/provider-openai-compatible';
import type { RoutePaths } from '@switchyard/provider-openai-compatible';
import { translateBedrockChatRequest } from './bedrock.request-map.js';
import { translateBedrockChatResponse } from './bedrock.response.js';
import { createBedrockStreamTranslator } from './bedrock.stream.js';

/** Amazon Bedrock's API origin (Kong's `upstream_url_format`). */
const BEDROCK_ORIGIN = 'https://bedrock-runtime.us-east-1.amazonaws.com:443';

/** Amazon Bedrock's path per route type (Kong's `operation_map`). */
const BEDROCK_PATHS: RoutePaths = {
  'llm/v1/chat': '/model',
};

/**
 * Amazon Bedrock (`https://bedrock-runtime.us-east-1.amazonaws.com/model`).
 * Build the URL from the request: the region (`model.options.bedrock.aws_region`) in the host, `/model/{model}/converse` (`/converse-stream`); sign with SigV4 in `createAuthenticator`.
 */
export const bedrockProvider: ProviderDriver = {
  id: 'bedrock',
  telemetryName: 'aws.bedrock',
  traits: { streamFraming: 'aws-eventstream', streamReportsUsage: false, dropsSetCookie: false },
  routes: {
    'llm/v1/chat': {
      openai: {
        request: translateBedrockChatRequest,
        response: translateBedrockChatResponse,
        stream: createBedrockStreamTranslator,
      },
    },
  },
  upstreamUrl: (request) => new URL(upstreamPath(request, BEDROCK_PATHS), BEDROCK_ORIGIN),
};
