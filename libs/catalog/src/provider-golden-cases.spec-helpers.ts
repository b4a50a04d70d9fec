import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validatePluginConfig } from '@switchyard/config';
import { compileLlmTarget, llmSchemaParts, type LlmConfig } from '@switchyard/llm';
import type {
  BufferedResponse,
  ClientFormat,
  LlmRouteType,
  ProviderDriver,
  ProviderRegistry,
  StreamFraming,
  StreamTransformer,
} from '@switchyard/plugin-api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildRequestContext, FIXTURE_NOW_MS } from '@switchyard/testing';

/** `case.json`: what the case is about, the plugin's `llm` config, and the client request's extras. */
interface FixtureCase {
  readonly description: string;
  /** The `llm` record (`route_type`, `auth`, `model`, `logging`), validated and defaults-filled as the Admin API would. */
  readonly config: Record<string, unknown>;
  readonly client?: {
    readonly headers?: Record<string, string>;
    /** The client's query string, without `?`. */
    readonly query?: string;
    /** The API the client speaks (`llm_format`); `openai` when absent. */
    readonly format?: ClientFormat;
    /** The request path (default `/route`): a native format's own path under the route (`/route/v1/messages`). */
    readonly path?: string;
  };
  /** The status of `upstream-response.json` or the stream (default 200). */
  readonly upstreamStatus?: number;
  /**
   * The provider's response headers for the stream (default: the content type of the driver's
   * stream framing): a driver whose wire format is an option (`mistral_format`) streams in the
   * framing of the format the case configures.
   */
  readonly upstreamHeaders?: Readonly<Record<string, string>>;
}

/** `upstream-request.json`: what the provider must receive. `headers` lists those checked (lower case). */
interface ExpectedUpstreamRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** The content type each framing arrives with. */
const STREAM_MEDIA_TYPES: Readonly<Record<StreamFraming, string>> = {
  sse: 'text/event-stream',
  ndjson: 'application/x-ndjson',
  'json-array': 'application/json',
  'aws-eventstream': 'application/vnd.amazon.eventstream',
};

/** Bytes per piece when a stream is fed in small pieces, to catch frames cut across chunks. */
const PIECE_BYTES = 7;

/** The fixture folder of a route type: `llm/v1/chat` → `llm-v1-chat`. */
function routeTypeDir(routeType: LlmRouteType): string {
  return routeType.replaceAll('/', '-');
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The files a case folder needs besides `case.json` and `request.json`, by the kind of answer it checks. */
const ANSWER_FILES = {
  whole: ['upstream-response.json', 'response.json'],
  stream: ['stream.expected.txt'],
} as const;

/**
 * What a case folder lacks to be a case: `case.json`, `request.json`, `upstream-request.json`,
 * and a whole answer (`upstream-response.json` and `response.json`) or a stream
 * (`stream.upstream.txt` or `.bin`, and `stream.expected.txt`). Empty for a complete case.
 */
export function missingCaseFiles(caseDir: string): string[] {
  const missing = (names: readonly string[]) => names.filter((name) => !existsSync(join(caseDir, name)));
  const lacking = missing(['case.json', 'request.json', 'upstream-request.json']);
  const streamed = ['stream.upstream.txt', 'stream.upstream.bin'].some((name) =>
    existsSync(join(caseDir, name)),
  );
  if (streamed) return [...lacking, ...missing(ANSWER_FILES.stream)];
  const whole = missing(ANSWER_FILES.whole);
  return whole.length < ANSWER_FILES.whole.length
    ? [...lacking, ...whole]
    : [
        ...lacking,
        'an answer (upstream-response.json and response.json, or stream.upstream.txt and stream.expected.txt)',
      ];
}

/** The case folders of a route type's fixture folder (none when it does not exist). */
function caseFolders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

/**
 * Feeds chunks through a transformer as the gateway does, then `end()`; the client's bytes as
 * text, decoded once (a relayed binary stream's pieces are no text on their own).
 */
function runStream(transformer: StreamTransformer, chunks: readonly Buffer[]): string {
  const out = chunks.map((chunk) => Buffer.from(transformer.transform(chunk)));
  out.push(Buffer.from(transformer.end()));
  return Buffer.concat(out).toString();
}

/**
 * The token counts of an OpenAI answer's `usage`, when it counts any: an embeddings answer's has
 * no `completion_tokens` (0); one whose provider reports nothing says 0 and is left out.
 */
function openAiUsageOf(answer: unknown): { prompt_tokens: number; completion_tokens: number } | undefined {
  const usage = (answer as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } } | null)
    ?.usage;
  if (typeof usage?.prompt_tokens !== 'number') return undefined;
  const completion = typeof usage.completion_tokens === 'number' ? usage.completion_tokens : 0;
  return usage.prompt_tokens + completion > 0
    ? { prompt_tokens: usage.prompt_tokens, completion_tokens: completion }
    : undefined;
}

/** The token counts of the usage chunk of an OpenAI stream (`data: {..."usage":{...}}`), when it has one. */
function streamedUsageOf(stream: string): { prompt_tokens: number; completion_tokens: number } | undefined {
  for (const line of stream.split('\n').reverse()) {
    if (!line.startsWith('data: {')) continue;
    let chunk: unknown;
    try {
      chunk = JSON.parse(line.slice('data: '.length));
    } catch {
      continue;
    }
    const usage = openAiUsageOf(chunk);
    if (usage) return usage;
  }
  return undefined;
}

/**
 * Runs one provider's golden cases through the LLM core, as the proxy would with that provider
 * configured: `<fixturesDir>/<route-type>/<case>/` (`llm-v1-chat/system-prompt/`), each with
 * - `case.json` (see `FixtureCase`) and `request.json`, the client's body;
 * - `upstream-request.json`: the method, URL, checked headers and JSON body the provider gets;
 * - for a whole answer, `upstream-response.json` (the provider's body) and `response.json` (the client's);
 * - for a streamed one (`"stream": true` in `request.json`), `stream.upstream.txt` (or `.bin`),
 *   the provider's bytes, cut by the core's real frame parser, and `stream.expected.txt`, what
 *   the client receives, exactly; the stream is fed whole and again in 7-byte pieces.
 * Every route type the driver serves to OpenAI-format clients needs at least one complete case,
 * and a folder that lacks any of these files fails (see `missingCaseFiles`).
 * `Date` is frozen at `FIXTURE_NOW_MS`.
 */
export function describeProviderFixtures(
  driver: ProviderDriver,
  fixturesDir: string,
  providers: ProviderRegistry,
): void {
  const parts = llmSchemaParts(providers);
  const llmSchema = {
    type: 'record',
    description: 'llm',
    fields: parts.fields,
    entity_checks: parts.checks,
  } as const;
  const served = (Object.keys(driver.routes) as LlmRouteType[]).filter(
    (routeType) => driver.routes[routeType]?.openai,
  );

  describe(`${driver.id} golden cases`, () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['Date'], now: FIXTURE_NOW_MS });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it.each(served)('has complete cases for %s', (routeType) => {
      const dir = join(fixturesDir, routeTypeDir(routeType));
      const complete = caseFolders(dir).filter((name) => missingCaseFiles(join(dir, name)).length === 0);
      expect(complete, `no complete case in ${dir}`).not.toEqual([]);
    });

    for (const routeType of served) {
      const dir = join(fixturesDir, routeTypeDir(routeType));
      for (const name of caseFolders(dir)) {
        const caseDir = join(dir, name);
        const file = (fileName: string) => join(caseDir, fileName);
        const missing = missingCaseFiles(caseDir);
        if (missing.length > 0) {
          it(`${routeType} ${name} has the files of a case`, () => {
            expect(missing, `${caseDir} lacks`).toEqual([]);
          });
          continue;
        }
        const fixture = readJson<FixtureCase>(file('case.json'));
        const clientBody = readJson<Record<string, unknown>>(file('request.json'));

        const start = async () => {
          const validated = validatePluginConfig(llmSchema, fixture.config);
          if (!validated.ok)
            throw new Error(`case.json config is invalid: ${JSON.stringify(validated.errors)}`);
          const target = compileLlmTarget(
            {
              pluginId: 'fixture',
              config: validated.value as unknown as LlmConfig,
              responseStreaming: 'allow',
              modelNameHeader: false,
              clientFormat: fixture.client?.format ?? 'openai',
            },
            providers,
          );
          const ctx = buildRequestContext({
            url: `${fixture.client?.path ?? '/route'}${fixture.client?.query ? `?${fixture.client.query}` : ''}`,
            headers: fixture.client?.headers,
            body: clientBody,
          });
          return { ctx, exchange: await target.start(ctx) };
        };

        /**
         * The same upstream answer on a `preserve` route (passed through untouched, recorded):
         * the analytics' token counts, as the driver's native entries read them.
         */
        const preservedUsage = async (contentType: string, chunks: Buffer[]) => {
          const validated = validatePluginConfig(llmSchema, { ...fixture.config, route_type: 'preserve' });
          if (!validated.ok)
            throw new Error(`preserve config is invalid: ${JSON.stringify(validated.errors)}`);
          const target = compileLlmTarget(
            {
              pluginId: 'fixture',
              config: validated.value as unknown as LlmConfig,
              responseStreaming: 'allow',
              modelNameHeader: false,
              clientFormat: 'openai',
            },
            providers,
          );
          const ctx = buildRequestContext({ url: fixture.client?.path ?? '/route', body: clientBody });
          const exchange = await target.start(ctx);
          const transformer = exchange.stream(ctx, { status: 200, headers: { 'content-type': contentType } });
          if (transformer) runStream(transformer, chunks);
          const usage = exchange.logEntry(Buffer.from(JSON.stringify(clientBody)))?.usage;
          return { prompt_tokens: usage?.prompt_tokens, completion_tokens: usage?.completion_tokens };
        };

        describe(`${routeType} ${name}: ${fixture.description}`, () => {
          it('sends the provider the expected request', async () => {
            const { ctx } = await start();
            const expected = readJson<ExpectedUpstreamRequest>(file('upstream-request.json'));
            expect(ctx.upstream.method).toBe(expected.method);
            expect(ctx.upstream.url.href).toBe(expected.url);
            const sent = Object.fromEntries(
              Object.keys(expected.headers).map((header) => [header, ctx.upstream.headers[header]]),
            );
            expect(sent).toEqual(expected.headers);
            expect(JSON.parse(ctx.upstream.body.toString())).toEqual(expected.body);
          });

          const status = fixture.upstreamStatus ?? 200;
          if (existsSync(file('upstream-response.json'))) {
            it('gives the client the expected answer', async () => {
              const { ctx, exchange } = await start();
              const response: BufferedResponse = {
                status,
                headers: { 'content-type': 'application/json' },
                body: readFileSync(file('upstream-response.json')),
              };
              await exchange.answer(ctx, response);
              expect(response.status).toBe(status);
              expect(JSON.parse(response.body.toString())).toEqual(readJson(file('response.json')));
            });
            const counted = openAiUsageOf(readJson(file('response.json')));
            if (status === 200 && counted) {
              it('counts the same tokens when a preserve route passes the answer through', async () => {
                const body = readFileSync(file('upstream-response.json'));
                expect(await preservedUsage('application/json', [body])).toEqual(counted);
              });
            }
          }

          const upstreamStream = ['stream.upstream.txt', 'stream.upstream.bin']
            .map(file)
            .find((path) => existsSync(path));
          if (upstreamStream) {
            const bytes = readFileSync(upstreamStream);
            const expectedStream = readFileSync(file('stream.expected.txt'), 'utf8');
            const streamed = async (chunks: Buffer[]) => {
              const { ctx, exchange } = await start();
              const head = {
                status,
                headers: {
                  'content-type': STREAM_MEDIA_TYPES[driver.traits.streamFraming],
                  ...fixture.upstreamHeaders,
                },
              };
              const transformer = exchange.stream(ctx, head);
              if (!transformer) throw new Error('the exchange gave no stream transformer');
              return runStream(transformer, chunks);
            };
            it('streams the client the expected events', async () => {
              expect(await streamed([bytes])).toBe(expectedStream);
            });
            it('streams the same events when the upstream bytes arrive in small pieces', async () => {
              expect(await streamed(pieces(bytes, PIECE_BYTES))).toBe(expectedStream);
            });
            const counted = streamedUsageOf(expectedStream);
            if (status === 200 && counted) {
              it('counts the same tokens when a preserve route passes the stream through', async () => {
                const contentType =
                  fixture.upstreamHeaders?.['content-type'] ??
                  STREAM_MEDIA_TYPES[driver.traits.streamFraming];
                expect(await preservedUsage(contentType, pieces(bytes, PIECE_BYTES))).toEqual(counted);
              });
            }
          }
        });
      }
    }
  });
}
