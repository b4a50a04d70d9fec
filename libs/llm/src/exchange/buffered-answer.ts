import { GatewayError } from '@switchyard/plugin-api';
import type {
  BufferedResponse,
  ProviderDriver,
  ProviderRequest,
  BufferedRouteTranslation,
  TranslatedResponse,
  UpstreamCallTrace,
} from '@switchyard/plugin-api';
import type { RequestAnalytics } from '../telemetry/analytics.js';
import type { ClientErrorShape } from './client-route.js';
import { reshapedErrorBody } from './reshaped-error.js';
import { recordLlmAnswer } from '../telemetry/llm-call-trace.js';
import { contentEncodingOf } from './content-encoding.js';
import { decodedBody, parseAnswer } from './answer-body.js';
import { gzipBody, InflateLimitError } from './gzip-codec.js';
import { afterPending, type MaybePromise } from './authenticated.js';

/** What rewriting one buffered answer needs to know. */
export interface BufferedAnswerContext {
  readonly driver: ProviderDriver;
  /** The driver's translations for the request's route type and client format. */
  readonly translation: BufferedRouteTranslation;
  readonly request: ProviderRequest;
  readonly clientAcceptsGzip: boolean;
  /** The `X-Kong-LLM-Model` value, when the header is sent. */
  readonly modelHeader: string | undefined;
  readonly analytics: RequestAnalytics | undefined;
  /** The upstream call's trace annotations, when the request is traced. */
  readonly trace: UpstreamCallTrace | undefined;
  /** The most bytes the answer may inflate to (`ProxyLimits.maxResponseBodyBytes`). */
  readonly maxBodyBytes: number;
  /** A native client's error shape; errors are OpenAI's (Kong's) when absent. */
  readonly errorShape: ClientErrorShape | undefined;
}

const JSON_TYPE = 'application/json';

/**
 * Sets the body, gzipped when the client accepts it (`gzipped` is the same body already
 * compressed); at once unless it must be compressed now.
 */
function setBody(
  response: BufferedResponse,
  body: Buffer,
  clientAcceptsGzip: boolean,
  gzipped?: Buffer,
): MaybePromise<void> {
  if (!clientAcceptsGzip) {
    response.body = body;
    delete response.headers['content-encoding'];
    return;
  }
  response.headers['content-encoding'] = 'gzip';
  if (gzipped) {
    response.body = gzipped;
    return;
  }
  return gzipBody(body).then((compressed) => void (response.body = compressed));
}

/**
 * An answer other than 200 goes to the client as it came, encoding included (Kong passes errors
 * through): it is never inflated, however large it says it is. The gateway asks the provider for
 * gzip only when the client accepts it. Its payload is logged when it came uncompressed.
 */
function passError(response: BufferedResponse, context: BufferedAnswerContext): void {
  const readable = contentEncodingOf(response.headers).kind === 'identity';
  context.analytics?.answered({}, () => (readable ? response.body.toString('utf8') : undefined));
}

/**
 * Another provider's error answer to a native client, in the client API's error shape with the
 * same status: its message is read from the body (decoded within `maxBodyBytes`; one that cannot
 * be decoded is quoted by its status alone).
 */
async function reshapeError(
  response: BufferedResponse,
  context: BufferedAnswerContext,
  shape: ClientErrorShape,
): Promise<void> {
  let text = '';
  try {
    text = (await decodedBody(response, context.maxBodyBytes)).toString('utf8');
  } catch {
    // An undecodable error answer still gets its status, in the client's shape.
  }
  context.analytics?.answered({}, () => text);
  response.headers['content-type'] = JSON_TYPE;
  await setBody(response, reshapedErrorBody(shape.api, response.status, text), context.clientAcceptsGzip);
}

/**
 * Rewrites a buffered upstream answer for the client (Kong's `normalize-json-response`): a 200
 * is decoded, translated to the OpenAI shape by the driver and re-encoded for the client; a
 * translation failure becomes a 500 with Kong's message. A 200 that inflates past
 * `maxBodyBytes` is a 502 (`GatewayError`, thrown), whose body was never held whole. Nothing
 * waits (no promise) unless the answer must be inflated or compressed.
 */
export function rewriteBufferedAnswer(
  response: BufferedResponse,
  context: BufferedAnswerContext,
): MaybePromise<void> {
  if (response.status !== 200) {
    const shape = context.errorShape;
    return shape?.reshapesUpstreamErrors
      ? reshapeError(response, context, shape)
      : passError(response, context);
  }
  if (context.driver.traits.dropsSetCookie) delete response.headers['set-cookie'];
  if (context.modelHeader !== undefined) response.headers['x-kong-llm-model'] = context.modelHeader;
  response.headers['content-type'] = JSON_TYPE;

  let raw: MaybePromise<Buffer>;
  try {
    raw = decodedBody(response, context.maxBodyBytes);
  } catch (error) {
    return failTranslation(response, context, error as Error);
  }
  if (!(raw instanceof Promise)) return answerWith(response, context, raw);
  return raw.then(
    (decoded) => answerWith(response, context, decoded),
    (error: Error) => failTranslation(response, context, error),
  );
}

/** The decoded 200 `raw` translated by the driver and set as the client's answer. */
function answerWith(
  response: BufferedResponse,
  context: BufferedAnswerContext,
  raw: Buffer,
): MaybePromise<void> {
  let translated: TranslatedResponse;
  let parsed: unknown;
  let text: Buffer;
  try {
    parsed = parseAnswer(raw, context.request);
    translated = context.translation.response(parsed, context.request);
    // An answer that needs no change comes back as the very object it was: the upstream's bytes
    // are then the answer, and neither re-serialised nor (when both sides speak gzip) re-compressed.
    text = translated.body === parsed ? raw : Buffer.from(JSON.stringify(translated.body));
  } catch (error) {
    return failTranslation(response, context, error as Error);
  }
  const alreadyGzipped = text === raw && raw !== response.body ? response.body : undefined;
  return afterPending(setBody(response, text, context.clientAcceptsGzip, alreadyGzipped), () => {
    context.analytics?.answered(translated, () => text.toString('utf8'));
    if (context.trace) recordLlmAnswer(context.trace, translated);
  });
}

/**
 * A 200 that could not be decoded or translated: Kong's 500 "transformation failed", in the
 * client's error shape; a 502 (thrown) for one that inflates past `maxBodyBytes`.
 */
function failTranslation(
  response: BufferedResponse,
  context: BufferedAnswerContext,
  error: Error,
): MaybePromise<void> {
  const { driver, request } = context;
  if (error instanceof InflateLimitError) {
    throw new GatewayError(
      502,
      `the ${driver.id} upstream's answer ${error.message} (PROXY_MAX_RESPONSE_BODY_BYTES); the gateway stopped reading it`,
    );
  }
  response.status = 500;
  const message = `transformation failed from type ${driver.id}://${request.routeType}: ${error.message}`;
  const shaped = context.errorShape?.api.errorBody(500, message) ?? { error: { message } };
  const body = Buffer.from(JSON.stringify(shaped));
  return afterPending(setBody(response, body, context.clientAcceptsGzip), () =>
    context.analytics?.answered({}, () => body.toString('utf8')),
  );
}
