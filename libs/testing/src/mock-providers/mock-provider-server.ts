import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { anthropicMockProvider } from './anthropic.mock-provider.js';
import { azureMockProvider } from './azure.mock-provider.js';
import { bedrockMockProvider } from './bedrock.mock-provider.js';
import { cohereMockProvider } from './cohere.mock-provider.js';
import { MOCK_EMBEDDING_DIMENSIONS, mockEmbedding } from './mock-embeddings.js';
import {
  ProviderErrorReply,
  type MockProviderDefinition,
  type MockResponse,
  type MockRoute,
  type MockStreamFrame,
} from './mock-provider-definition.js';
import {
  DEFAULT_REPLY_TEXT,
  MOCK_AWS_CREDENTIALS,
  MOCK_PROVIDER_API_KEY,
  type MockAccessTokens,
  type MockAwsCredentials,
  type MockProviderBehaviour,
  type MockServerId,
  type MockProviderOptions,
  type RecordedRequest,
} from './mock-provider.types.js';
import { countWords, ReplyScript } from './mock-reply.js';
import { geminiMockProvider } from './gemini.mock-provider.js';
import { huggingfaceMockProvider } from './huggingface.mock-provider.js';
import { llama2MockProvider } from './llama2.mock-provider.js';
import { mistralMockProvider } from './mistral.mock-provider.js';
import { ollamaMockProvider } from './ollama.mock-provider.js';
import { openAiMockProvider } from './openai.mock-provider.js';

const DEFINITIONS: Readonly<Record<MockServerId, MockProviderDefinition>> = {
  openai: openAiMockProvider,
  azure: azureMockProvider,
  cohere: cohereMockProvider,
  anthropic: anthropicMockProvider,
  bedrock: bedrockMockProvider,
  huggingface: huggingfaceMockProvider,
  mistral: mistralMockProvider,
  llama2: llama2MockProvider,
  gemini: geminiMockProvider,
  ollama: ollamaMockProvider,
};

/** A 200 body that has none of the fields any provider's clients read (for "bad upstream response" tests). */
const BAD_BODY = { unexpected: { note: 'not a completion', items: ['no', 'usable', 'fields'] } };

const JSON_TYPE = 'application/json';
const HTML_TYPE = 'text/html; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';

// Longer than the 5 s default so that a benchmark's pooled upstream connections stay open between bursts.
const KEEP_ALIVE_MS = 65_000;

/**
 * A mock LLM provider on 127.0.0.1 and an ephemeral port, speaking one provider's real wire format
 * on its real paths. It records every request, checks the provider's credential, answers with a
 * deterministic reply built from the request, and can be switched into faults between requests.
 * Start one with {@link startMockProvider}; close it when the test ends.
 */
export class MockProviderServer {
  /** Every request received since start or the last `reset()`, oldest first (empty when `record` is off). */
  readonly requests: RecordedRequest[] = [];
  /**
   * Tokens (prompt + completion, as the replies' usage reports them) of every chat or completions
   * reply begun since start or the last `reset()`: what a client was let to spend at the provider.
   */
  tokensAnswered = 0;

  readonly #definition: MockProviderDefinition;
  readonly #apiKey: string;
  readonly #awsCredentials: MockAwsCredentials;
  readonly #accessTokens: MockAccessTokens | undefined;
  readonly #record: boolean;
  readonly #initialBehaviour: MockProviderBehaviour;
  readonly #server: Server;
  #behaviour: MockProviderBehaviour = {};
  #script = new ReplyScript(DEFAULT_REPLY_TEXT);
  #url = '';
  #abandoned = 0;

  private constructor(provider: MockServerId, options: MockProviderOptions) {
    this.#definition = DEFINITIONS[provider];
    this.#apiKey = options.apiKey ?? MOCK_PROVIDER_API_KEY;
    this.#awsCredentials = options.awsCredentials ?? MOCK_AWS_CREDENTIALS;
    this.#accessTokens = options.accessTokens;
    this.#record = options.record ?? true;
    this.#initialBehaviour = options.behaviour ?? {};
    this.behaviour = this.#initialBehaviour;
    this.#server = createServer(
      { keepAliveTimeout: KEEP_ALIVE_MS, headersTimeout: KEEP_ALIVE_MS + 1_000 },
      (req, res) => this.#receive(req, res),
    );
  }

  /** Starts a mock of `provider` and resolves once it listens. */
  static async start(provider: MockServerId, options: MockProviderOptions = {}): Promise<MockProviderServer> {
    const mock = new MockProviderServer(provider, options);
    await new Promise<void>((resolve, reject) => {
      mock.#server.once('error', reject);
      mock.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = mock.#server.address() as AddressInfo;
    mock.#url = `http://127.0.0.1:${port}`;
    return mock;
  }

  /** The base URL, `http://127.0.0.1:<port>`, without a trailing slash. */
  get url(): string {
    return this.#url;
  }

  /** Which provider this server mocks. */
  get provider(): MockServerId {
    return this.#definition.id;
  }

  /** The current fault and reply switches. Assigning replaces them all; see {@link setBehaviour} to change some. */
  get behaviour(): MockProviderBehaviour {
    return this.#behaviour;
  }

  set behaviour(behaviour: MockProviderBehaviour) {
    if (
      behaviour.replyText !== this.#behaviour.replyText ||
      behaviour.eventCount !== this.#behaviour.eventCount ||
      behaviour.toolCalls !== this.#behaviour.toolCalls
    ) {
      this.#script = new ReplyScript(
        behaviour.replyText ?? DEFAULT_REPLY_TEXT,
        behaviour.eventCount,
        behaviour.toolCalls,
      );
    }
    this.#behaviour = behaviour;
  }

  /** Changes the given switches and keeps the others; `undefined` turns a switch off. */
  setBehaviour(changes: MockProviderBehaviour): void {
    this.behaviour = { ...this.#behaviour, ...changes };
  }

  /** The most recent request, if any. */
  lastRequest(): RecordedRequest | undefined {
    return this.requests.at(-1);
  }

  /** Forgets the recorded requests and restores the behaviour the server started with. */
  reset(): void {
    this.requests.length = 0;
    this.tokensAnswered = 0;
    this.behaviour = this.#initialBehaviour;
  }

  /** Stops listening and drops every open connection, hanging and keep-alive ones included. */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.close((error) => (error ? reject(error) : resolve()));
      this.#server.closeAllConnections();
    });
  }

  /** How many responses the client closed before they were complete (an aborted stream, a proxy that gave up). */
  get abandonedResponses(): number {
    return this.#abandoned;
  }

  #receive(req: IncomingMessage, res: ServerResponse): void {
    res.once('close', () => {
      if (!res.writableFinished) this.#abandoned += 1;
    });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      void this.#answer(req, res, rawBody);
    });
  }

  async #answer(req: IncomingMessage, res: ServerResponse, rawBody: Buffer): Promise<void> {
    const body = parseBody(rawBody);
    // One snapshot per request: a behaviour change applies from the next request on.
    const behaviour = this.#behaviour;
    const script = this.#script;
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    if (this.#record) this.requests.push({ method, path, headers: req.headers, body });
    if (behaviour.hang) return;
    if (behaviour.delayMs) {
      await pause(behaviour.delayMs, res);
      if (res.destroyed) return;
    }

    if (behaviour.gzipBombBytes !== undefined)
      return sendGzipBomb(res, behaviour.status ?? 200, behaviour.gzipBombBytes);

    const definition = this.#definition;
    const url = new URL(path, this.#url);
    const route = definition.route(method, url);
    if (route instanceof ProviderErrorReply) return sendError(req, res, route, behaviour);
    if (behaviour.status !== undefined) {
      const overrideBody =
        behaviour.body === undefined ? definition.errorBody(behaviour.status) : behaviour.body;
      if (overrideBody instanceof ProviderErrorReply)
        return sendBody(req, res, overrideBody.status, overrideBody.body, behaviour, undefined, {
          ...overrideBody.headers,
          ...behaviour.headers,
        });
      return sendBody(
        req,
        res,
        behaviour.status,
        overrideBody,
        behaviour,
        behaviour.contentType,
        behaviour.headers,
      );
    }
    const denied = await definition.authorize(req.headers, this.#apiKey, {
      method,
      url,
      rawBody,
      route,
      awsCredentials: this.#awsCredentials,
      accessTokens: this.#accessTokens,
    });
    if (denied) return sendError(req, res, denied, behaviour);
    if (behaviour.badBody) return sendBody(req, res, 200, BAD_BODY, behaviour);

    if (route.operation === 'embeddings') return this.#embed(req, res, route, body, behaviour);
    const input = definition.readInput(route, body);
    if (input instanceof ProviderErrorReply) return sendError(req, res, input, behaviour);
    const loading =
      behaviour.modelLoadingSeconds === undefined
        ? undefined
        : definition.modelLoading?.(input, req.headers, behaviour.modelLoadingSeconds);
    if (loading) return sendError(req, res, loading, behaviour);
    const reply = script.reply(input.inputs, input.maxTokens);
    this.tokensAnswered += reply.promptTokens + reply.completionTokens;
    const response = definition.respond(route, input, reply, behaviour);
    if (response.kind === 'json') return sendBody(req, res, 200, response.body, behaviour);
    const errorAt = behaviour.streamErrorAfter;
    const errorFrame = errorAt === undefined ? undefined : definition.streamErrorFrame?.(route);
    const frames = errorFrame ? [...response.frames.slice(0, errorAt), errorFrame] : response.frames;
    await writeStream(res, { ...response, frames }, behaviour);
  }

  /** An embeddings request: a vector per input (`mockEmbedding`), in the provider's answer. */
  #embed(
    req: IncomingMessage,
    res: ServerResponse,
    route: MockRoute,
    body: unknown,
    behaviour: MockProviderBehaviour,
  ): Promise<void> | void {
    const api = this.#definition.embeddings;
    if (!api)
      throw new Error(`the ${this.#definition.id} mock routed an embeddings request it has no API for`);
    const input = api.read(route, body);
    if (input instanceof ProviderErrorReply) return sendError(req, res, input, behaviour);
    const dimensions = input.dimensions ?? MOCK_EMBEDDING_DIMENSIONS;
    const vectors = input.texts.map((text) => mockEmbedding(text, dimensions));
    const tokens = input.texts.reduce((sum, text) => sum + countWords(text), 0);
    return sendBody(req, res, 200, api.respond(route, input, vectors, tokens), behaviour);
  }
}

/** Starts a mock of `provider` on 127.0.0.1 and an ephemeral port. */
export function startMockProvider(
  provider: MockServerId,
  options?: MockProviderOptions,
): Promise<MockProviderServer> {
  return MockProviderServer.start(provider, options);
}

function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return '';
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Waits `ms`, or less if the client goes away first (so a closed server leaves no timer behind). */
function pause(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.once('close', done);
  });
}

/** A provider's error answer, with the headers its errors carry. */
function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  reply: ProviderErrorReply,
  behaviour: MockProviderBehaviour,
): Promise<void> | void {
  return sendBody(req, res, reply.status, reply.body, behaviour, undefined, reply.headers);
}

function sendBody(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  behaviour: MockProviderBehaviour,
  contentType?: string,
  extraHeaders: Readonly<Record<string, string>> = {},
): Promise<void> | void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: OutgoingHttpHeaders = {
    ...extraHeaders,
    'content-type':
      contentType ??
      (typeof body !== 'string' ? JSON_TYPE : body.trimStart().startsWith('<') ? HTML_TYPE : TEXT_TYPE),
  };
  let payload: Buffer | string = text;
  if (behaviour.gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
    payload = gzipSync(text);
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = Buffer.byteLength(payload);
  res.writeHead(status, headers);
  return writeBody(res, payload, behaviour);
}

/** Writes a whole body as the behaviour says: at once, dripped byte by byte, or cut off by a reset. */
function writeBody(
  res: ServerResponse,
  payload: Buffer | string,
  behaviour: MockProviderBehaviour,
): Promise<void> | void {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  if (behaviour.cutBodyAfterBytes !== undefined) {
    res.flushHeaders();
    res.write(bytes.subarray(0, behaviour.cutBodyAfterBytes), () => res.destroy());
    return;
  }
  if (behaviour.dripIntervalMs) return drip(res, bytes, behaviour.dripIntervalMs);
  res.end(bytes);
}

/** Sends `bytes` one at a time, `intervalMs` apart, then ends; stops when the client goes away. */
async function drip(res: ServerResponse, bytes: Buffer, intervalMs: number): Promise<void> {
  res.flushHeaders();
  for (let index = 0; index < bytes.length; index += 1) {
    if (index > 0) await pause(intervalMs, res);
    if (res.destroyed) return;
    res.write(bytes.subarray(index, index + 1));
  }
  res.end();
}

const BOMB_MEMBER_BYTES = 1 << 20;
let bombMember: Buffer | undefined;

/**
 * A gzip body inflating to `inflatedBytes` zeros: one compressed MiB of zeros (about 1 KiB)
 * repeated, since a gzip body may be several members one after the other (RFC 1952 §2.2).
 */
function gzipBomb(inflatedBytes: number): Buffer {
  bombMember ??= gzipSync(Buffer.alloc(BOMB_MEMBER_BYTES), { level: 9 });
  const members: Buffer[] = Array.from(
    { length: Math.floor(inflatedBytes / BOMB_MEMBER_BYTES) },
    () => bombMember!,
  );
  const rest = inflatedBytes % BOMB_MEMBER_BYTES;
  if (rest > 0) members.push(gzipSync(Buffer.alloc(rest)));
  return Buffer.concat(members);
}

function sendGzipBomb(res: ServerResponse, status: number, inflatedBytes: number): void {
  const body = gzipBomb(inflatedBytes);
  res
    .writeHead(status, {
      'content-type': JSON_TYPE,
      'content-encoding': 'gzip',
      'content-length': body.length,
    })
    .end(body);
}

/** Stream frames as one body: text frames joined as text, binary ones (AWS event stream) as bytes. */
function joinFrames(frames: readonly MockStreamFrame[]): string | Buffer {
  if (frames.every((frame) => typeof frame === 'string')) return frames.join('');
  return Buffer.concat(frames.map((frame) => (typeof frame === 'string' ? Buffer.from(frame) : frame)));
}

async function writeStream(
  res: ServerResponse,
  response: Extract<MockResponse, { kind: 'stream' }>,
  behaviour: MockProviderBehaviour,
): Promise<void> {
  res.writeHead(200, { 'content-type': response.contentType, 'cache-control': 'no-cache' });
  const failing = behaviour.failMidStreamAfter !== undefined;
  const cutAt = failing ? behaviour.failMidStreamAfter : behaviour.endStreamAfter;
  const frames = cutAt === undefined ? response.frames : response.frames.slice(0, cutAt);
  if (behaviour.dripIntervalMs) return drip(res, Buffer.from(joinFrames(frames)), behaviour.dripIntervalMs);
  // Destroying only once the written frames are flushed makes the cut land exactly after them.
  const finish = (data: MockStreamFrame) => (failing ? res.write(data, () => res.destroy()) : res.end(data));

  const interval = behaviour.eventIntervalMs ?? 0;
  if (interval <= 0) {
    finish(joinFrames(frames));
    return;
  }
  for (let i = 0; i < frames.length - 1; i++) {
    res.write(frames[i]);
    await pause(interval, res);
    if (res.destroyed) return;
  }
  finish(frames.at(-1) ?? '');
}
