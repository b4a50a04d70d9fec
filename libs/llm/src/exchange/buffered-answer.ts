import { gunzipSync, gzipSync } from 'node:zlib';
import type {
  BufferedResponse,
  ProviderDriver,
  ProviderRequest,
  RouteTranslation,
  TranslatedResponse,
  UpstreamCallTrace,
} from '@switchyard/plugin-api';
import type { RequestAnalytics } from '../telemetry/analytics.js';
import { recordLlmAnswer } from '../telemetry/llm-call-trace.js';
import { contentEncodingOf } from './content-encoding.js';

/** What rewriting one buffered answer needs to know. */
export interface BufferedAnswerContext {
  readonly driver: ProviderDriver;
  /** The driver's translations for the request's route type and client format. */
  readonly translation: RouteTranslation;
  readonly request: ProviderRequest;
  readonly clientAcceptsGzip: boolean;
  /** The `X-Kong-LLM-Model` value, when the header is sent. */
  readonly modelHeader: string | undefined;
  readonly analytics: RequestAnalytics | undefined;
  /** The upstream call's trace annotations, when the request is traced. */
  readonly trace: UpstreamCallTrace | undefined;
}

const JSON_TYPE = 'application/json';

/** The body as sent upstream, decoded; throws for an encoding the gateway cannot decode. */
function decodedBody(response: BufferedResponse): Buffer {
  const encoding = contentEncodingOf(response.headers);
  if (encoding.kind === 'identity') return response.body;
  if (encoding.kind === 'gzip') return gunzipSync(response.body);
  throw new Error(
    `the upstream answered with content-encoding '${encoding.name}', which the gateway cannot decode`,
  );
}

/** Sets the body, gzipped when the client accepts it (`gzipped` is the same body already compressed). */
function setBody(
  response: BufferedResponse,
  body: Buffer,
  clientAcceptsGzip: boolean,
  gzipped?: Buffer,
): void {
  if (clientAcceptsGzip) {
    response.body = gzipped ?? gzipSync(body);
    response.headers['content-encoding'] = 'gzip';
  } else {
    response.body = body;
    delete response.headers['content-encoding'];
  }
}

/**
 * An answer other than 200 goes to the client as it came (Kong passes errors through); only its
 * encoding follows the client's `Accept-Encoding`, since the gateway may have asked for gzip.
 */
function passError(response: BufferedResponse, context: BufferedAnswerContext): void {
  let decoded: Buffer | undefined;
  try {
    decoded = decodedBody(response);
  } catch {
    decoded = undefined;
  }
  if (decoded && !context.clientAcceptsGzip && decoded !== response.body) setBody(response, decoded, false);
  context.analytics?.answered({}, () => decoded?.toString('utf8'));
}

/**
 * Rewrites a buffered upstream answer for the client (Kong's `normalize-json-response`): a 200
 * is decoded, translated to the OpenAI shape by the driver and re-encoded for the client; a
 * translation failure becomes a 500 with Kong's message.
 */
export function rewriteBufferedAnswer(response: BufferedResponse, context: BufferedAnswerContext): void {
  if (response.status !== 200) return passError(response, context);
  const { driver, request } = context;
  if (driver.traits.dropsSetCookie) delete response.headers['set-cookie'];
  if (context.modelHeader !== undefined) response.headers['x-kong-llm-model'] = context.modelHeader;
  response.headers['content-type'] = JSON_TYPE;

  let translated: TranslatedResponse;
  let text: Buffer;
  try {
    const raw = decodedBody(response);
    const parsed = parseAnswer(raw, request);
    translated = context.translation.response(parsed, request);
    // An answer that needs no change comes back as the very object it was: the upstream's bytes
    // are then the answer, and neither re-serialised nor (when both sides speak gzip) re-compressed.
    if (translated.body === parsed) {
      const alreadyGzipped = raw !== response.body ? response.body : undefined;
      setBody(response, raw, context.clientAcceptsGzip, alreadyGzipped);
      text = raw;
    } else {
      text = Buffer.from(JSON.stringify(translated.body));
      setBody(response, text, context.clientAcceptsGzip);
    }
  } catch (error) {
    response.status = 500;
    const message = `transformation failed from type ${driver.id}://${request.routeType}: ${(error as Error).message}`;
    const body = Buffer.from(JSON.stringify({ error: { message } }));
    setBody(response, body, context.clientAcceptsGzip);
    context.analytics?.answered({}, () => body.toString('utf8'));
    return;
  }
  context.analytics?.answered(translated, () => text.toString('utf8'));
  if (context.trace) recordLlmAnswer(context.trace, translated);
}

function parseAnswer(raw: Buffer, request: ProviderRequest): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    // Kong's openai driver's words for a body that is not JSON.
    throw new Error(`failed to decode ${request.routeType} response`);
  }
}
