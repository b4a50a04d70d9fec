import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessConfigBus } from '@switchyard/bus';
import {
  ENTITY_DEFINITIONS,
  buildEntity,
  buildSnapshot,
  type ConfigSnapshot,
  type Consumer,
  type Plugin,
  type Route,
  type Service,
} from '@switchyard/config';
import type { GatewayPlugin, RecordField } from '@switchyard/plugin-api';
import { createLogger, startTracing, TracingSettings, type Tracing } from '@switchyard/telemetry';
import { ProxyNode } from './proxy-node.js';
import type { AccessLogEntry } from './proxy-request-handler.js';

const schema: RecordField = {
  type: 'record',
  description: 'test',
  fields: { tag: { type: 'string', description: 'tag' } },
};

/** An authentication plugin: the consumer named by `x-who` (id or username), with a credential. */
const authPlugin: GatewayPlugin = {
  name: 'auth',
  priority: 1250,
  noConsumer: true,
  schema,
  createHandler: () => ({
    access(ctx) {
      const who = ctx.request.headers['x-who'];
      const consumer = typeof who === 'string' ? ctx.consumers?.find(who) : undefined;
      if (!consumer) return;
      ctx.consumer = consumer;
      ctx.credential = { id: `credential-of-${consumer.username}`, consumerId: consumer.id };
    },
  }),
};

/** A plugin that appends its instance's tag to `x-tags` upstream, and logs it. */
function taggingPlugin(name: string, priority: number): GatewayPlugin {
  return {
    name,
    priority,
    schema,
    createHandler: (config) => ({
      access(ctx) {
        const before = ctx.upstream.headers['x-tags'];
        ctx.upstream.headers['x-tags'] = before
          ? `${before},${String(config['tag'])}`
          : String(config['tag']);
      },
      log(ctx) {
        ctx.log[name] = config['tag'];
      },
    }),
  };
}

describe("consumer-scoped plugins (Kong's precedence and two stages)", () => {
  let upstream: Server;
  let bus: InProcessConfigBus<ConfigSnapshot>;
  let node: ProxyNode;
  let proxyUrl: string;
  let version = 0;
  const accessLog: AccessLogEntry[] = [];
  const spans = new InMemorySpanExporter();
  let tracing: Tracing;

  let service: Service;
  let route: Route;
  let otherRoute: Route;
  const alice = buildEntity(
    ENTITY_DEFINITIONS.consumers,
    { username: 'alice' },
    { kind: 'create' },
  ) as Consumer;
  const bob = buildEntity(ENTITY_DEFINITIONS.consumers, { username: 'bob' }, { kind: 'create' }) as Consumer;

  const plugin = (
    name: string,
    tag: string,
    scope: { route?: Route; service?: Service; consumer?: Consumer },
  ) =>
    buildEntity(
      ENTITY_DEFINITIONS.plugins,
      {
        name,
        config: { tag },
        route: scope.route ? { id: scope.route.id } : null,
        service: scope.service ? { id: scope.service.id } : null,
        consumer: scope.consumer ? { id: scope.consumer.id } : null,
      },
      { kind: 'create' },
    ) as Plugin;

  async function publish(plugins: Plugin[]): Promise<void> {
    version += 1;
    await bus.publisher.publish(
      buildSnapshot({
        version,
        services: [service],
        routes: [route, otherRoute],
        consumers: [alice, bob],
        plugins: [
          plugin('auth', 'auth', { route }),
          plugin('auth', 'auth', { route: otherRoute }),
          ...plugins,
        ],
      }),
    );
    await expect.poll(() => node.active.current?.version, { timeout: 2000, interval: 5 }).toBe(version);
  }

  /** The `x-tags` the upstream received for a request on `path` by `who`. */
  async function tagsSeen(path: string, who?: string): Promise<string | null> {
    const response = await fetch(`${proxyUrl}${path}`, { headers: who ? { 'x-who': who } : {} });
    expect(response.status).toBe(200);
    return ((await response.json()) as { tags: string | null }).tags;
  }

  beforeAll(async () => {
    upstream = createServer((req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ tags: req.headers['x-tags'] ?? null })),
    );
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    service = buildEntity(
      ENTITY_DEFINITIONS.services,
      { name: 'svc', host: '127.0.0.1', port: (upstream.address() as AddressInfo).port },
      { kind: 'create' },
    ) as Service;
    const routeOf = (path: string) =>
      buildEntity(
        ENTITY_DEFINITIONS.routes,
        { paths: [path], service: { id: service.id } },
        { kind: 'create' },
      ) as Route;
    route = routeOf('/chat');
    otherRoute = routeOf('/other');
    bus = new InProcessConfigBus<ConfigSnapshot>();
    tracing = await startTracing(new TracingSettings(), {
      serviceName: 'switchyard-test',
      serviceVersion: '0.0.0-test',
      exporter: spans,
    });
    node = new ProxyNode({
      tracer: tracing.tracer('@switchyard/gateway'),
      bus,
      plugins: new Map([
        ['auth', authPlugin],
        ['tag', taggingPlugin('tag', 800)],
        ['early', taggingPlugin('early', 2000)],
      ]),
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
    await tracing.shutdown();
    await node.stop();
    await bus.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('picks the most specific instance: route+service+consumer > route+consumer > service+consumer > route+service > consumer > route > service > global', async () => {
    const ladder = [
      plugin('tag', 'route+service+consumer', { route, service, consumer: alice }),
      plugin('tag', 'route+consumer', { route, consumer: alice }),
      plugin('tag', 'service+consumer', { service, consumer: alice }),
      plugin('tag', 'route+service', { route, service }),
      plugin('tag', 'consumer', { consumer: alice }),
      plugin('tag', 'route', { route }),
      plugin('tag', 'service', { service }),
      plugin('tag', 'global', {}),
    ];
    for (let rung = 0; rung < ladder.length; rung++) {
      await publish(ladder.slice(rung));
      expect(await tagsSeen('/chat', 'alice')).toBe(ladder[rung]!.config['tag']);
    }
  });

  it("gives other consumers, and unauthenticated requests, the route's chain", async () => {
    await publish([
      plugin('tag', 'alice-only', { consumer: alice }),
      plugin('tag', 'route', { route }),
      plugin('tag', 'global', {}),
    ]);
    expect(await tagsSeen('/chat', 'alice')).toBe('alice-only');
    expect(await tagsSeen('/chat', 'bob')).toBe('route');
    expect(await tagsSeen('/chat')).toBe('route');
    expect(await tagsSeen('/other', 'alice')).toBe('alice-only');
    expect(await tagsSeen('/other', 'bob')).toBe('global');
  });

  it('runs plugins that rank before authentication from the route’s chain: a consumer-scoped one never runs', async () => {
    await publish([
      plugin('early', 'early-route', { route }),
      plugin('early', 'early-alice', { route, consumer: alice }),
      plugin('tag', 'tag-alice', { route, consumer: alice }),
    ]);
    expect(await tagsSeen('/chat', 'alice')).toBe('early-route,tag-alice');
  });

  it("runs the consumer's instances in the later phases too, and logs the consumer and its credential", async () => {
    await publish([plugin('tag', 'route', { route }), plugin('tag', 'alice', { route, consumer: alice })]);
    accessLog.length = 0;
    expect(await tagsSeen('/chat', 'alice')).toBe('alice');
    await expect.poll(() => accessLog.length).toBe(1);
    expect(accessLog[0]).toMatchObject({
      log: { tag: 'alice' },
      consumer: { id: alice.id, username: 'alice', custom_id: null },
      authenticated_entity: { id: 'credential-of-alice' },
    });
    expect(await tagsSeen('/chat')).toBe('route');
    await expect.poll(() => accessLog.length).toBe(2);
    expect(accessLog[1]!.consumer).toBeUndefined();
    expect(accessLog[1]!.log).toEqual({ tag: 'route' });
  });

  it("names the consumer on the request's server span (enduser.id), and no one on an unauthenticated one", async () => {
    await publish([]);
    spans.reset();
    await tagsSeen('/chat', 'alice');
    await tagsSeen('/chat');
    await expect
      .poll(async () => {
        await tracing.flush();
        return spans.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER).length;
      })
      .toBe(2);
    const servers = spans.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER);
    expect(servers.map((span) => span.attributes['enduser.id']).sort()).toEqual(['alice', undefined]);
    expect(servers.find((span) => span.attributes['enduser.id'] === 'alice')!.attributes).toMatchObject({
      'switchyard.consumer.id': alice.id,
    });
  });

  it('resolves a consumer’s chain once per snapshot, not per request', async () => {
    await publish([plugin('tag', 'alice', { route, consumer: alice })]);
    const chain = node.active.current!.chainFor(route.id);
    const first = chain.afterAuthentication(alice.id, 0);
    expect(chain.afterAuthentication(alice.id, 0)).toBe(first);
    expect(chain.afterAuthentication(bob.id, 0)).toBe(chain);
  });
});
