import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InProcessConfigBus } from '@switchyard/bus';
import {
  ENTITY_DEFINITIONS,
  buildEntity,
  buildSnapshot,
  type ConfigSnapshot,
  type Plugin,
  type Route,
  type Service,
} from '@switchyard/config';
import {
  GatewayError,
  type AttemptFailure,
  type GatewayPlugin,
  type RecordField,
} from '@switchyard/plugin-api';
import { createLogger } from '@switchyard/telemetry';
import { ProxyNode } from './proxy-node.js';
import type { AccessLogEntry } from './proxy-request-handler.js';

/** An upstream that echoes what it got, or misbehaves on request. */
function startUpstream(): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url?.startsWith('/slow')) return; // never answers
      if (req.url?.startsWith('/fail-')) {
        res.writeHead(Number(req.url.slice(6, 9)), { 'content-type': 'application/json' });
        res.end('{"error":"failed on purpose"}');
        return;
      }
      if (req.url?.startsWith('/huge')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.alloc(2 * 1024 * 1024, 'a'));
        return;
      }
      if (req.url?.startsWith('/hop')) {
        res.writeHead(200, {
          connection: 'keep-alive, x-hop',
          'x-hop': 'for this connection',
          'x-kept': 'yes',
        });
        res.end('{}');
        return;
      }
      if (req.url?.startsWith('/stream')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        let sent = 0;
        const timer = setInterval(() => {
          res.write(`part${sent} `);
          sent += 1;
          if (sent === 3) {
            clearInterval(timer);
            res.end();
          }
        }, 5);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes', 'set-cookie': 'a=b' });
      res.end(
        JSON.stringify({
          path: req.url,
          method: req.method,
          body: Buffer.concat(chunks).toString(),
          auth: req.headers['x-auth'] ?? null,
        }),
      );
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const schema: RecordField = {
  type: 'record',
  description: 'test',
  fields: { tag: { type: 'string', description: 'tag' } },
};

/** A plugin that tags requests and responses, to see the chain run in order. */
function taggingPlugin(
  name: string,
  priority: number,
  mode: 'buffered' | 'stream' | 'passthrough',
): GatewayPlugin {
  return {
    name,
    priority,
    schema,
    createHandler: (config) => ({
      access(ctx) {
        if (ctx.request.headers['x-refuse'])
          throw new GatewayError(418, `refused by ${String(config['tag'])}`);
        const dropped = ctx.request.headers['x-drop-query'];
        if (typeof dropped === 'string') ctx.upstream.query.delete(dropped);
        ctx.upstream.headers['x-auth'] = `${ctx.upstream.headers['x-auth'] ?? ''}${String(config['tag'])}`;
        ctx.responseMode = mode;
      },
      bufferedResponse(_ctx, response) {
        response.body = Buffer.from(
          JSON.stringify({ wrapped: JSON.parse(response.body.toString()), by: config['tag'] }),
        );
        response.headers['content-type'] = 'application/json';
      },
      streamStart(_ctx, head) {
        head.headers['x-streamed'] = 'yes';
        return {
          transform: (chunk) => chunk.toString().toUpperCase(),
          end: () => 'END',
          fail: (error) => `FAILED:${error.message}`,
        };
      },
      log(ctx) {
        ctx.log['test'] = { tag: config['tag'] };
      },
    }),
  };
}

/** The failures the failover plugin heard of, in order. */
const heardFailures: AttemptFailure[] = [];

/**
 * A plugin with a failover policy: its `tag` lists the attempts' targets (a path on the
 * service, or a whole URL); each failure moves the request to the next one while any is left.
 */
function failoverPlugin(): GatewayPlugin {
  return {
    name: 'failover-test',
    priority: 760,
    schema,
    createHandler: (config) => ({
      access(ctx) {
        const targets = String(config['tag']).split(',');
        const service = ctx.upstream.url;
        let current = 0;
        const aim = () => (ctx.upstream.url = new URL(targets[current]!, service));
        aim();
        ctx.responseMode = 'buffered';
        ctx.failover = {
          get target() {
            return targets[current]!;
          },
          next(_ctx, failure) {
            heardFailures.push(failure);
            if (current + 1 >= targets.length) return false;
            current += 1;
            aim();
            return true;
          },
        };
      },
    }),
  };
}

describe('ProxyNode', () => {
  let upstream: Server;
  let bus: InProcessConfigBus<ConfigSnapshot>;
  let node: ProxyNode;
  let proxyUrl: string;
  let version = 0;
  const accessLog: AccessLogEntry[] = [];
  const plugins = new Map<string, GatewayPlugin>([
    ['ai-proxy', taggingPlugin('ai-proxy', 770, 'buffered')],
    ['failover-test', failoverPlugin()],
  ]);

  const service = (overrides: Record<string, unknown> = {}) =>
    buildEntity(
      ENTITY_DEFINITIONS.services,
      {
        name: `svc-${randomUUID().slice(0, 8)}`,
        host: '127.0.0.1',
        port: (upstream.address() as AddressInfo).port,
        ...overrides,
      },
      { kind: 'create' },
    ) as Service;
  const route = (serviceId: string | null, paths: string[], overrides: Record<string, unknown> = {}) =>
    buildEntity(
      ENTITY_DEFINITIONS.routes,
      { paths, service: serviceId ? { id: serviceId } : null, ...overrides },
      { kind: 'create' },
    ) as Route;
  const plugin = (input: Record<string, unknown>) =>
    buildEntity(ENTITY_DEFINITIONS.plugins, { name: 'ai-proxy', ...input }, { kind: 'create' }) as Plugin;

  async function publish(entities: {
    services?: Service[];
    routes?: Route[];
    plugins?: Plugin[];
  }): Promise<void> {
    version += 1;
    await bus.publisher.publish(
      buildSnapshot({
        version,
        services: entities.services ?? [],
        routes: entities.routes ?? [],
        consumers: [],
        plugins: entities.plugins ?? [],
      }),
    );
    await expect.poll(() => node.active.current?.version, { timeout: 2000, interval: 5 }).toBe(version);
  }

  beforeAll(async () => {
    upstream = await startUpstream();
    bus = new InProcessConfigBus<ConfigSnapshot>();
    node = new ProxyNode({
      bus,
      plugins,
      listen: { host: '127.0.0.1', port: 0 },
      statusListen: { host: '127.0.0.1', port: 0 },
      node: { id: 'node-1', hostname: 'test', version: 'test' },
      logger: createLogger({ name: 'test', level: 'silent' }),
      maxBodyBytes: 1024,
      maxResponseBodyBytes: 1024 * 1024,
      clientTimeouts: { headersMs: 10_000, requestMs: 60_000, keepAliveMs: 65_000 },
      accessLog: (entry) => accessLog.push(entry),
    });
    await node.start();
    proxyUrl = `http://127.0.0.1:${node.proxyAddress.port}`;
  });

  afterAll(async () => {
    await node.stop();
    await bus.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  afterEach(() => {
    accessLog.length = 0;
    heardFailures.length = 0;
  });

  it("answers 503 before its first config, then Kong's 404 when no route matches", async () => {
    expect((await fetch(`${proxyUrl}/anything`)).status).toBe(503);
    await publish({});
    const response = await fetch(`${proxyUrl}/anything`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'no Route matched with those values' });
  });

  it('proxies a route to its service, stripping the matched path and keeping the query', async () => {
    const svc = service({ path: '/base' });
    await publish({ services: [svc], routes: [route(svc.id, ['/echo'])] });
    const response = await fetch(`${proxyUrl}/echo/more?x=1`, { method: 'POST', body: 'hello' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-upstream')).toBe('yes');
    expect(await response.json()).toEqual({
      path: '/base/more?x=1',
      method: 'POST',
      body: 'hello',
      auth: null,
    });
  });

  it('swaps in a newer snapshot and ignores an older one', async () => {
    const svc = service();
    await publish({ services: [svc], routes: [route(svc.id, ['/new'])] });
    expect((await fetch(`${proxyUrl}/new`)).status).toBe(200);
    expect(
      node.active.offer(buildSnapshot({ version: 1, services: [], routes: [], consumers: [], plugins: [] })),
    ).toBe('not-newer');
    expect((await fetch(`${proxyUrl}/new`)).status).toBe(200);
  });

  it('refuses an invalid snapshot and keeps serving the previous one', async () => {
    const svc = service();
    await publish({ services: [svc], routes: [route(svc.id, ['/kept'])] });
    const bad = buildSnapshot({
      version: version + 1,
      services: [svc],
      routes: [route(svc.id, ['/gone'])],
      consumers: [],
      plugins: [],
    });
    expect(node.active.offer({ ...bad, hash: 'tampered' })).toBe('refused');
    expect((await fetch(`${proxyUrl}/kept`)).status).toBe(200);
    expect(node.active.current?.version).toBe(version);
  });

  it('runs the route plugin over the global one of the same name, and rewrites a buffered response', async () => {
    const svc = service();
    const rt = route(svc.id, ['/plugged']);
    await publish({
      services: [svc],
      routes: [rt],
      plugins: [
        plugin({ config: { tag: 'global' } }),
        plugin({ route: { id: rt.id }, config: { tag: 'route' } }),
      ],
    });
    const response = await fetch(`${proxyUrl}/plugged`);
    const body = await response.json();
    expect(body).toMatchObject({ by: 'route', wrapped: { auth: 'route' } });
    expect(response.headers.get('content-length')).toBe(String(JSON.stringify(body).length));
    await expect.poll(() => accessLog.at(-1)?.log).toEqual({ test: { tag: 'route' } });
  });

  it('sends the query as a plugin left it (key-auth hiding a key), and an untouched one as the client sent it', async () => {
    const svc = service();
    const rt = route(svc.id, ['/query'], { strip_path: false });
    await publish({
      services: [svc],
      routes: [rt],
      plugins: [plugin({ route: { id: rt.id }, config: { tag: 'q' } })],
    });
    const changed = await fetch(`${proxyUrl}/query?apikey=secret&a=1%202`, {
      headers: { 'x-drop-query': 'apikey' },
    });
    expect(((await changed.json()) as { wrapped: { path: string } }).wrapped.path).toBe('/query?a=1+2');
    const untouched = await fetch(`${proxyUrl}/query?apikey=secret&a=1%202`);
    expect(((await untouched.json()) as { wrapped: { path: string } }).wrapped.path).toBe(
      '/query?apikey=secret&a=1%202',
    );
  });

  it('answers a GatewayError from a plugin with its status and message', async () => {
    const svc = service();
    const rt = route(svc.id, ['/refusing']);
    await publish({
      services: [svc],
      routes: [rt],
      plugins: [plugin({ route: { id: rt.id }, config: { tag: 'guard' } })],
    });
    const response = await fetch(`${proxyUrl}/refusing`, { headers: { 'x-refuse': '1' } });
    expect(response.status).toBe(418);
    expect(await response.json()).toEqual({ error: { message: 'refused by guard' } });
  });

  it('streams through the transformer chunk by chunk and ends with its last bytes', async () => {
    plugins.set('ai-proxy', taggingPlugin('ai-proxy', 770, 'stream'));
    const svc = service();
    const rt = route(svc.id, ['/stream'], { strip_path: false });
    await publish({
      services: [svc],
      routes: [rt],
      plugins: [plugin({ route: { id: rt.id }, config: { tag: 's' } })],
    });
    const response = await fetch(`${proxyUrl}/stream`);
    expect(response.headers.get('x-streamed')).toBe('yes');
    expect(await response.text()).toBe('PART0 PART1 PART2 END');
    plugins.set('ai-proxy', taggingPlugin('ai-proxy', 770, 'buffered'));
  });

  it('answers a path that makes a route regex backtrack catastrophically at once, and keeps serving others', async () => {
    const svc = service();
    await publish({ services: [svc], routes: [route(svc.id, ['~/r/(a+)+$']), route(svc.id, ['/other'])] });
    // 35 bytes: V8's backtracking spent over 10 s on it, 4x more per 2 more characters, and
    // every other request waited.
    const hostilePath = `/r/${'a'.repeat(31)}!`;
    const started = performance.now();
    const [hostile, other] = await Promise.all([
      fetch(`${proxyUrl}${hostilePath}`),
      fetch(`${proxyUrl}/other`),
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(hostile.status).toBe(404);
    expect(other.status).toBe(200);
    expect((await fetch(`${proxyUrl}/r/aaa`)).status).toBe(200);
  });

  it('answers 502 naming the upstream when it cannot be reached', async () => {
    const svc = service({ name: 'nowhere', port: 1 });
    await publish({ services: [svc], routes: [route(svc.id, ['/down'])] });
    const response = await fetch(`${proxyUrl}/down`);
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /^could not reach the nowhere upstream \(127\.0\.0\.1:1\): ECONNREFUSED/,
    );
  });

  it('answers 504 naming the upstream when it does not answer within read_timeout', async () => {
    const svc = service({ name: 'sleepy', read_timeout: 200 });
    await publish({ services: [svc], routes: [route(svc.id, ['/slow'], { strip_path: false })] });
    const response = await fetch(`${proxyUrl}/slow`);
    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({
      error: { message: `the sleepy upstream (127.0.0.1:${svc.port}) timed out` },
    });
  });

  it('answers 502 naming the limit when a buffered answer is larger than maxResponseBodyBytes', async () => {
    const svc = service({ name: 'bulky' });
    const rt = route(svc.id, ['/huge'], { strip_path: false });
    await publish({
      services: [svc],
      routes: [rt],
      plugins: [plugin({ route: { id: rt.id }, config: { tag: 'b' } })],
    });
    const response = await fetch(`${proxyUrl}/huge`);
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({
      error: {
        message:
          "the bulky upstream's answer is larger than 1048576 bytes (PROXY_MAX_RESPONSE_BODY_BYTES); the gateway stopped reading it",
      },
    });
  });

  it('drops the response headers the upstream names in Connection', async () => {
    const svc = service();
    await publish({ services: [svc], routes: [route(svc.id, ['/hop'], { strip_path: false })] });
    const response = await fetch(`${proxyUrl}/hop`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-kept')).toBe('yes');
    expect(response.headers.has('x-hop')).toBe(false);
  });

  it('answers 413 to a body over its limit', async () => {
    const svc = service();
    await publish({ services: [svc], routes: [route(svc.id, ['/big'])] });
    const response = await fetch(`${proxyUrl}/big`, { method: 'POST', body: 'x'.repeat(2048) });
    expect(response.status).toBe(413);
  });

  it('shows the served config on GET /status', async () => {
    const status = await (await fetch(`http://127.0.0.1:${node.statusAddress.port}/status`)).json();
    expect(status).toMatchObject({
      configuration_version: version,
      configuration_hash: node.active.current?.hash,
    });
  });

  it('counts each finished request and the served config version on GET /metrics', async () => {
    const svc = service();
    const metered = route(svc.id, ['/metered']);
    await publish({ services: [svc], routes: [metered] });
    for (let sent = 0; sent < 3; sent += 1) expect((await fetch(`${proxyUrl}/metered`)).status).toBe(200);

    const metricsUrl = `http://127.0.0.1:${node.statusAddress.port}/metrics`;
    const series = `kong_http_requests_total{service="${svc.name}",route="${metered.id}",code="200",consumer=""}`;
    await expect
      .poll(
        async () =>
          (await (await fetch(metricsUrl)).text()).split('\n').find((line) => line.startsWith(series)),
        {
          timeout: 2000,
          interval: 10,
        },
      )
      .toBe(`${series} 3`);
    const response = await fetch(metricsUrl);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect((await response.text()).split('\n')).toContain(`switchyard_config_version ${version}`);
  });

  describe('with a failover policy', () => {
    async function serveFailover(targets: string): Promise<string> {
      const svc = service();
      const rt = route(svc.id, [`/failover-${version + 1}`]);
      await publish({
        services: [svc],
        routes: [rt],
        plugins: [plugin({ name: 'failover-test', route: { id: rt.id }, config: { tag: targets } })],
      });
      return `${proxyUrl}/failover-${version}`;
    }

    it('moves the request past error statuses to the attempt that answers, and logs each attempt', async () => {
      const url = await serveFailover('/fail-503,/fail-429,/echo');
      const response = await fetch(url, { method: 'POST', body: '{"q":1}' });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ path: '/echo', body: '{"q":1}' });
      expect(heardFailures.map(({ reason, sent, status }) => [reason, sent, status])).toEqual([
        ['http_503', true, 503],
        ['http_429', true, 429],
      ]);
      await expect.poll(() => accessLog.length).toBe(1);
      expect(accessLog[0]!.attempts).toEqual([
        { target: '/fail-503', failedOver: 'http_503' },
        { target: '/fail-429', failedOver: 'http_429' },
        { target: '/echo' },
      ]);
    });

    it('logs the last attempt when it fails the request too', async () => {
      const url = await serveFailover('http://127.0.0.1:1/refused');
      const response = await fetch(url, { method: 'POST', body: '{}' });
      expect(response.status).toBe(502);
      await expect.poll(() => accessLog.length).toBe(1);
      expect(accessLog[0]!.attempts).toEqual([{ target: 'http://127.0.0.1:1/refused' }]);
    });

    it('tells the policy that a connection never made sent nothing', async () => {
      const url = await serveFailover('http://127.0.0.1:1/refused,/echo');
      const response = await fetch(url, { method: 'POST', body: '{}' });
      expect(response.status).toBe(200);
      expect(heardFailures.map(({ reason, sent }) => [reason, sent])).toEqual([['error', false]]);
    });

    it('answers the failure as it came when the policy declines', async () => {
      const url = await serveFailover('/fail-500');
      const response = await fetch(url, { method: 'POST', body: '{}' });
      expect([response.status, await response.text()]).toEqual([500, '{"error":"failed on purpose"}']);
      await expect.poll(() => accessLog.length).toBe(1);
      expect(accessLog[0]!.attempts).toEqual([{ target: '/fail-500' }]);
    });

    it('passes a status outside the failover statuses through without asking the policy', async () => {
      const url = await serveFailover('/fail-400,/echo');
      const response = await fetch(url, { method: 'POST', body: '{}' });
      expect(response.status).toBe(400);
      expect(heardFailures).toEqual([]);
    });
  });
});

describe('ProxyNode given a snapshot it cannot load (issue 10, finding 3)', () => {
  it('boots anyway, answers 503, and serves the next good snapshot', async () => {
    const bus = new InProcessConfigBus<ConfigSnapshot>();
    const upstream = await startUpstream();
    const node = new ProxyNode({
      bus,
      plugins: new Map<string, GatewayPlugin>([['ai-proxy', taggingPlugin('ai-proxy', 770, 'buffered')]]),
      listen: { host: '127.0.0.1', port: 0 },
      statusListen: { host: '127.0.0.1', port: 0 },
      node: { id: 'node-bad-boot', hostname: 'test', version: 'test' },
      logger: createLogger({ name: 'test', level: 'silent' }),
      maxBodyBytes: 1024,
      maxResponseBodyBytes: 1024 * 1024,
      clientTimeouts: { headersMs: 10_000, requestMs: 60_000, keepAliveMs: 65_000 },
    });
    try {
      // Content that breaks the checks themselves, as a corrupted or foreign snapshot could.
      const unreadable = buildSnapshot({
        version: 1,
        services: [],
        routes: [],
        consumers: [],
        plugins: [null as unknown as Plugin],
      });
      await bus.publisher.publish(unreadable);
      await node.start();
      const proxyUrl = `http://127.0.0.1:${node.proxyAddress.port}`;
      expect((await fetch(`${proxyUrl}/good`)).status).toBe(503);

      const svc = buildEntity(
        ENTITY_DEFINITIONS.services,
        { host: '127.0.0.1', port: (upstream.address() as AddressInfo).port },
        { kind: 'create' },
      ) as Service;
      const good = buildEntity(
        ENTITY_DEFINITIONS.routes,
        { paths: ['/good'], service: { id: svc.id } },
        { kind: 'create' },
      ) as Route;
      await bus.publisher.publish(
        buildSnapshot({ version: 2, services: [svc], routes: [good], consumers: [], plugins: [] }),
      );
      await expect.poll(() => node.active.current?.version, { timeout: 2000, interval: 5 }).toBe(2);
      expect((await fetch(`${proxyUrl}/good`)).status).toBe(200);
    } finally {
      await node.stop();
      await bus.close();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});
