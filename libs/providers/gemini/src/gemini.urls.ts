import { GatewayError } from '@switchyard/plugin-api';
import type { ModelOptions, ProviderRequest } from '@switchyard/plugin-api';

/** The Gemini API's origin (Kong's `upstream_url_format`). */
const GEMINI_ORIGIN = 'https://generativelanguage.googleapis.com';

/** `model.options.gemini` when all three Vertex AI fields are set (the schema wants all or none). */
export function vertexLocation(
  options: ModelOptions,
): { readonly endpoint: string; readonly project: string; readonly location: string } | undefined {
  const vertex = options.gemini;
  if (!vertex?.api_endpoint || !vertex.project_id || !vertex.location_id) return undefined;
  return { endpoint: vertex.api_endpoint, project: vertex.project_id, location: vertex.location_id };
}

/**
 * The model as one path segment: Gemini's `models/` prefix (which its own SDKs write) is the
 * path's already, and the rest is percent-encoded, so that a model read from the client cannot
 * move the request to another path.
 */
export function modelSegment(model: string): string {
  return encodeURIComponent(model.replace(/^models\//, ''));
}

/** The Vertex AI origin from `api_endpoint` (a host name, maybe with a port); a 500 naming the option otherwise. */
function vertexOrigin(endpoint: string): string {
  let url: URL | undefined;
  try {
    url = new URL(`https://${endpoint}`);
  } catch {
    url = undefined;
  }
  if (!url || url.host !== endpoint.toLowerCase())
    throw new GatewayError(
      500,
      `model.options.gemini.api_endpoint must be a host name (such as us-central1-aiplatform.googleapis.com), not ${JSON.stringify(endpoint)}`,
    );
  return url.origin;
}

/**
 * Whether a native client asked for its stream as SSE (`?alt=sse`, what `@google/genai` sends)
 * rather than a JSON array; the client's query reaches Gemini with the request.
 */
export function wantsSse(request: ProviderRequest): boolean {
  return request.clientQuery.get('alt') === 'sse';
}

/** A Gemini operation at the end of a path (`...:generateContent`). */
const OPERATION_SUFFIX = /:(generateContent|streamGenerateContent)$/;

/**
 * A configured `upstream_url` (Kong: the whole URL), for a native client: the operation at its
 * end is the one the client called, so that one route serves `generateContent` and
 * `streamGenerateContent` alike. OpenAI-format requests keep the URL as configured, as in Kong.
 */
export function geminiConfiguredUpstreamUrl(configured: URL, request: ProviderRequest): URL {
  if (request.clientFormat !== 'gemini' || !OPERATION_SUFFIX.test(configured.pathname)) return configured;
  const operation = request.stream ? 'streamGenerateContent' : 'generateContent';
  configured.pathname = configured.pathname.replace(OPERATION_SUFFIX, `:${operation}`);
  return configured;
}

/**
 * The method a request calls: `generateContent`, `streamGenerateContent` for a stream (answered
 * as a JSON array, which is what Kong reads); for embeddings the Gemini API's
 * `batchEmbedContents` (several texts in one call) or Vertex AI's `predict`.
 */
function operationOf(request: ProviderRequest, vertex: boolean): string {
  if (request.routeType === 'llm/v1/embeddings') return vertex ? 'predict' : 'batchEmbedContents';
  return request.stream ? 'streamGenerateContent' : 'generateContent';
}

/**
 * The upstream URL: the Gemini API's `/v1beta/models/{model}:{operation}`, or Vertex AI's
 * `https://{api_endpoint}/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:{operation}`
 * when `model.options.gemini` is set (see `operationOf`). Kong's deprecated `upstream_path`
 * replaces the path.
 */
export function geminiUpstreamUrl(request: ProviderRequest): URL {
  const { options } = request.model;
  const model = modelSegment(request.model.name);
  const vertex = vertexLocation(options);
  const operation = operationOf(request, vertex !== undefined);
  const url = vertex
    ? new URL(
        `/v1/projects/${encodeURIComponent(vertex.project)}/locations/${encodeURIComponent(vertex.location)}/publishers/google/models/${model}:${operation}`,
        vertexOrigin(vertex.endpoint),
      )
    : new URL(`/v1beta/models/${model}:${operation}`, GEMINI_ORIGIN);
  if (options.upstream_path) url.pathname = `/${options.upstream_path.replace(/^\/+/, '')}`;
  return url;
}
