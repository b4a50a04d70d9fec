import { Agent, ProxyAgent, errors, type Dispatcher } from 'undici';
import type { OutgoingLlmRequest } from '@switchyard/plugin-api';
import type { AnswerMessage } from '../exchange/answer-body.js';
import { LlmCallError } from './llm-call-error.js';

/** How a plugin's own LLM calls reach the provider (Kong's `http_opts` of the transformer plugins). */
export interface LlmHttpOptions {
  /**
   * The longest one call may take, in milliseconds, from connecting to the last byte of the
   * answer (Kong's `http_timeout`, which Kong applies to each socket operation instead).
   */
  readonly timeoutMs: number;
  /** Verify the provider's TLS certificate (Kong's `https_verify`). */
  readonly verifyTls: boolean;
  /** The forward proxy for plain-HTTP providers, `http://host:port`: requests go to it in absolute form. */
  readonly httpProxy?: string;
  /** The forward proxy for HTTPS providers, `http://host:port`: a `CONNECT` tunnel through it. */
  readonly httpsProxy?: string;
}

/** The most pools kept for distinct TLS and proxy settings; past it, the oldest is closed. */
const MAX_POOLS = 32;

/**
 * Keep-alive connection pools for plugins' LLM calls, one per TLS-and-proxy setting (configs
 * rarely differ), shared by every config and snapshot that uses the same: a snapshot swap does
 * not open new connections. Idle sockets do not keep the process alive.
 */
const pools = new Map<string, Dispatcher>();

function poolFor(verifyTls: boolean, proxy: string | undefined): Dispatcher {
  const key = `${verifyTls}|${proxy ?? ''}`;
  let pool = pools.get(key);
  if (pool) return pool;
  const tls = { rejectUnauthorized: verifyTls };
  pool = proxy
    ? new ProxyAgent({ uri: proxy, requestTls: tls, keepAliveTimeout: 60_000 })
    : new Agent({ connect: tls, keepAliveTimeout: 60_000 });
  if (pools.size >= MAX_POOLS) {
    const [oldestKey, oldest] = pools.entries().next().value!;
    pools.delete(oldestKey);
    void oldest.close();
  }
  pools.set(key, pool);
  return pool;
}

/** The pool a call to `url` goes through: the proxy for its scheme, if one is set. */
function dispatcherFor(url: URL, options: LlmHttpOptions): Dispatcher {
  const proxy = url.protocol === 'https:' ? options.httpsProxy : options.httpProxy;
  return poolFor(options.verifyTls, proxy);
}

/** The call did not finish within its timeout. */
class CallDeadlineError extends Error {
  constructor() {
    super('timeout');
    this.name = 'CallDeadlineError';
  }
}

function isTimeout(error: unknown): boolean {
  return (
    error instanceof CallDeadlineError ||
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    error instanceof errors.ConnectTimeoutError
  );
}

/**
 * Kong's words for a call that failed before an answer (lua-resty-http's: `timeout`,
 * `connection refused`), else the error's code or message.
 */
function transportFailure(error: Error): LlmCallError {
  const code = (error as { code?: string }).code;
  const [reason, errorType] = isTimeout(error)
    ? ['timeout', 'timeout']
    : code === 'ECONNREFUSED'
      ? ['connection refused', code]
      : [code ?? error.message, code ?? error.name];
  return new LlmCallError('transport', `request to ai service failed: request failed: ${reason}`, errorType);
}

/** Reads a whole body of at most `limit` bytes; a larger one is refused without reading the rest. */
async function readWithin(body: Dispatcher.ResponseData['body'], limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    // Leaving the loop by a throw destroys the body: the rest is never read.
    if (size > limit) {
      throw new LlmCallError(
        'transport',
        `request to ai service failed: the answer is larger than ${limit} bytes (PROXY_MAX_RESPONSE_BODY_BYTES)`,
        'body_too_large',
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Sends one LLM request and reads its whole answer, over the keep-alive pool its settings
 * choose, within `options.timeoutMs` from start to last byte and `maxBodyBytes` of body (the
 * proxy's `PROXY_MAX_RESPONSE_BODY_BYTES`). Throws `LlmCallError` (`transport`) when the call
 * fails, times out or the answer is too large; an abort of `signal` (the client went away)
 * rejects with the abort as it is.
 */
export async function sendLlmRequest(
  request: OutgoingLlmRequest,
  options: LlmHttpOptions,
  signal: AbortSignal,
  maxBodyBytes: number,
): Promise<AnswerMessage> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new CallDeadlineError()), options.timeoutMs);
  try {
    const response = await dispatcherFor(request.url, options).request({
      origin: request.url.origin,
      path: `${request.url.pathname}${request.url.search}`,
      method: request.method as Dispatcher.HttpMethod,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.any([signal, deadline.signal]),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const body = await readWithin(response.body, maxBodyBytes);
    return { status: response.statusCode, headers: response.headers as AnswerMessage['headers'], body };
  } catch (error) {
    if (error instanceof LlmCallError) throw error;
    if (signal.aborted) throw error;
    throw transportFailure(deadline.signal.aborted ? new CallDeadlineError() : (error as Error));
  } finally {
    clearTimeout(timer);
  }
}
