import { GatewayError } from '@switchyard/plugin-api';
import type { ClientApi, ClientBody } from '@switchyard/plugin-api';

/** `/model/{modelId}/converse` and `/converse-stream` under the route (the SDK's paths under its `endpoint`). */
const OPERATION_PATH = /\/model\/([^/]+)\/(converse|converse-stream)$/;

/** The AWS error code for an HTTP status, as Bedrock names its exceptions. */
function errorCode(status: number): string {
  if (status === 401 || status === 403) return 'AccessDeniedException';
  if (status === 404) return 'ResourceNotFoundException';
  if (status === 429) return 'ThrottlingException';
  if (status === 503) return 'ServiceUnavailableException';
  if (status === 504) return 'ModelTimeoutException';
  return status < 500 ? 'ValidationException' : 'InternalServerException';
}

/** Bedrock's error body: `{"message"}` with the exception's name as `__type`, where the AWS SDKs read it. */
export function bedrockErrorBody(status: number, message: string): Readonly<Record<string, unknown>> {
  return { __type: errorCode(status), message };
}

/** The model and the operation from the path, and Bedrock's own 400 for a body without messages. */
function read(body: ClientBody, path: string): { model: unknown; stream: boolean } {
  const match = OPERATION_PATH.exec(path);
  if (!match) throw new GatewayError(404, `no Bedrock operation at ${path}`);
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    throw new GatewayError(
      400,
      'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
    );
  let model: string;
  try {
    model = decodeURIComponent(match[1]!);
  } catch {
    throw new GatewayError(400, `the model id in ${path} is not a valid path segment`);
  }
  return { model, stream: match[2] === 'converse-stream' };
}

/**
 * Bedrock's Converse API (`converse` and `converse-stream`) as a client format
 * (`llm_format: bedrock`), so that `@aws-sdk/client-bedrock-runtime` with its `endpoint` at a
 * route is served by the bedrock provider: the body passes through, re-signed with the gateway's
 * credentials; the model is the path's.
 */
export const bedrockClientApi: ClientApi = {
  format: 'bedrock',
  routeTypes: ['llm/v1/chat'],
  paths: ['/model/{modelId}/converse', '/model/{modelId}/converse-stream'],
  matches: (path) => OPERATION_PATH.test(path),
  read,
  errorBody: bedrockErrorBody,
  streamErrorEvent: (message) => JSON.stringify({ message }),
};
