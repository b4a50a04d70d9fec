import { CLIENT_FORMATS, type SchemaField } from '@switchyard/plugin-api';

/**
 * The fields Kong's proxying AI plugins (`ai-proxy`, `ai-proxy-advanced`) declare beside their
 * LLM targets: streaming, the request body limit, the model header and the client format.
 */
export const llmProxyFields: Readonly<Record<string, SchemaField>> = {
  response_streaming: {
    type: 'string',
    default: 'allow',
    one_of: ['allow', 'deny', 'always'],
    description:
      'Server-sent event streaming: `allow` it when the client asks, `deny` it (400), or `always` stream.',
  },
  max_request_body_size: {
    type: 'integer',
    default: 8192,
    gt: 0,
    description: 'Largest request body, in bytes, that the plugin reads to translate.',
  },
  model_name_header: {
    type: 'boolean',
    default: true,
    description: 'Send the `X-Kong-LLM-Model: <provider>/<model>` response header.',
  },
  llm_format: {
    type: 'string',
    default: 'openai',
    one_of: [...CLIENT_FORMATS],
    description:
      'The API clients speak to the route: `openai`, or a provider’s native API at its native path under the route (`anthropic`: `/v1/messages`, served by every provider; `bedrock`, `gemini`, `cohere`: not served yet).',
  },
};
