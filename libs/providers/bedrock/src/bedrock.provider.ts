import type { EntityCheck, ProviderDriver } from '@switchyard/plugin-api';
import { BEDROCK_EMBEDDINGS } from './bedrock.embeddings.js';
import { bedrockUpstreamUrl } from './bedrock.endpoint.js';
import { translateBedrockChatRequest } from './bedrock.request-map.js';
import { translateBedrockChatResponse } from './bedrock.response.js';
import { createBedrockAuthenticator } from './bedrock.signer.js';
import { createBedrockStreamTranslator } from './bedrock.stream.js';
import { bedrockClientApi } from './bedrock.client-api.js';
import { bedrockConversePassThrough } from './bedrock.passthrough.js';

/**
 * A bedrock config's static IAM key comes whole: an access key id without its secret (or the
 * reverse) is a mistake, which Kong would let fall back to the environment's credentials.
 */
const staticKeyPairCheck: EntityCheck = {
  field_sources: ['model', 'auth'],
  custom: (config) => {
    const provider = (config['model'] as { provider: string }).provider;
    const auth = config['auth'] as {
      aws_access_key_id?: string | null;
      aws_secret_access_key?: string | null;
    } | null;
    if (provider !== 'bedrock' || !auth) return undefined;
    return Boolean(auth.aws_access_key_id) === Boolean(auth.aws_secret_access_key)
      ? undefined
      : "all or none of these fields must be set: 'auth.aws_access_key_id', 'auth.aws_secret_access_key'";
  },
};

/**
 * Amazon Bedrock's Converse API (`https://bedrock-runtime.{region}.amazonaws.com/model/{model}/converse`,
 * `/converse-stream` for streams, which come as AWS event-stream messages carrying usage). Every
 * request is signed with SigV4 by the driver's authenticator; the credentials and the region
 * default come from the config or AWS's environment variables. Embeddings call `InvokeModel`
 * (`/model/{model}/invoke`) with the body of the model's family (Titan or Cohere Embed).
 */
export const bedrockProvider: ProviderDriver = {
  id: 'bedrock',
  telemetryName: 'aws.bedrock',
  // Kong asks Bedrock for gzip and drops its Set-Cookie (`clear_response_headers`).
  traits: {
    streamFraming: 'aws-eventstream',
    streamReportsUsage: true,
    dropsSetCookie: true,
    acceptEncoding: 'gzip, identity',
  },
  routes: {
    'llm/v1/chat': {
      openai: {
        request: translateBedrockChatRequest,
        response: translateBedrockChatResponse,
        stream: createBedrockStreamTranslator,
      },
      bedrock: bedrockConversePassThrough,
    },
    'llm/v1/embeddings': { openai: BEDROCK_EMBEDDINGS },
  },
  clientApi: bedrockClientApi,
  nativeFormat: 'bedrock',
  optionFields: {
    bedrock: {
      type: 'record',
      description: 'Amazon Bedrock options.',
      fields: {
        aws_region: {
          type: 'string',
          description: 'AWS region of the Bedrock runtime; overrides `AWS_REGION` / `AWS_DEFAULT_REGION`.',
        },
      },
    },
  },
  configChecks: [staticKeyPairCheck],
  upstreamUrl: (request) => bedrockUpstreamUrl(request, process.env),
  createAuthenticator: (auth) => createBedrockAuthenticator(auth, process.env),
};
