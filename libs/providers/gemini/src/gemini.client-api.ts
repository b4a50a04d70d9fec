import { GatewayError } from '@switchyard/plugin-api';
import type { ClientApi, ClientBody } from '@switchyard/plugin-api';

/**
 * `/{version}/models/{model}:generateContent` and `:streamGenerateContent` under the route (the
 * path `@google/genai` calls under its `httpOptions.baseUrl`: `v1` by default, `v1beta` or
 * `v1alpha` when its `apiVersion` says so).
 */
const OPERATION_PATH = /\/v1(?:beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/** Google's status name for an HTTP status (`google.rpc.Code`), as its error bodies carry it. */
const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  415: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** Google's error body: `{"error":{"code","message","status"}}`. */
export function geminiErrorBody(status: number, message: string): Readonly<Record<string, unknown>> {
  const name = STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  return { error: { code: status, message, status: name } };
}

/**
 * The model and the operation from the path, and Google's own 400 for a body without `contents`
 * (checked before any model runs).
 */
function read(body: ClientBody, path: string): { model: unknown; stream: boolean } {
  const match = OPERATION_PATH.exec(path);
  if (!match) throw new GatewayError(404, `no Gemini operation at ${path}`);
  if (!Array.isArray(body.contents) || body.contents.length === 0)
    throw new GatewayError(400, '* GenerateContentRequest.contents: contents is not specified\n');
  let model: string;
  try {
    model = decodeURIComponent(match[1]!);
  } catch {
    throw new GatewayError(400, `the model in ${path} is not a valid path segment`);
  }
  return { model, stream: match[2] === 'streamGenerateContent' };
}

/**
 * The Gemini API's `generateContent` and `streamGenerateContent` as a client format
 * (`llm_format: gemini`), so that `@google/genai` pointed at a route is served by the gemini
 * provider (the Gemini API or Vertex AI): the body passes through, the model is the path's.
 */
export const geminiClientApi: ClientApi = {
  format: 'gemini',
  routeTypes: ['llm/v1/chat'],
  paths: ['/{v1,v1beta}/models/{model}:generateContent', '/{v1,v1beta}/models/{model}:streamGenerateContent'],
  matches: (path) => OPERATION_PATH.test(path),
  read,
  errorBody: geminiErrorBody,
  streamErrorEvent: (message) => JSON.stringify(geminiErrorBody(500, message)),
};
