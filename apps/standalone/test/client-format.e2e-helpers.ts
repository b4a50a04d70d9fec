import { expect } from 'vitest';
import {
  OtlpSink,
  addAiProxyRoute,
  startMockProvider,
  startStandaloneGateway,
  type MockProviderServer,
  type ReceivedSpan,
  type StandaloneGateway,
} from '@switchyard/testing';

/** A standalone gateway that exports its traces, the mock providers it calls, and the `llm` service. */
export interface TracedGateway<P extends string> {
  readonly gateway: StandaloneGateway;
  readonly sink: OtlpSink;
  readonly mocks: Readonly<Record<P, MockProviderServer>>;
  /** Stops the gateway, the mocks and the trace sink. */
  stop(): Promise<void>;
}

/**
 * Starts the mocks of `providers`, an OTLP sink, and a standalone gateway that exports its spans
 * there and sends Bedrock requests to the Bedrock mock (`AWS_ENDPOINT_URL_BEDROCK_RUNTIME`), with a
 * service `llm` for the routes.
 */
export async function startTracedGateway<P extends Parameters<typeof startMockProvider>[0]>(
  providers: readonly P[],
): Promise<TracedGateway<P>> {
  const [sink, ...servers] = await Promise.all([
    OtlpSink.start(),
    ...providers.map((provider) => startMockProvider(provider)),
  ]);
  const mocks = Object.fromEntries(providers.map((provider, index) => [provider, servers[index]!])) as Record<
    P,
    MockProviderServer
  >;
  const bedrock = (mocks as Partial<Record<string, MockProviderServer>>)['bedrock'];
  const gateway = await startStandaloneGateway({
    ...(bedrock && { AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url }),
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '50',
  });
  const service = await gateway.admin.json('POST', '/services', {
    name: 'llm',
    url: 'http://localhost:32000',
  });
  expect(service.status, service.text).toBe(201);
  return {
    gateway,
    sink,
    mocks,
    async stop() {
      await gateway.stop();
      await Promise.all([...servers.map((server) => server.close()), sink.close()]);
    },
  };
}

/** The last upstream call's span (a client span) whose attributes include `attributes`, once exported. */
export async function upstreamSpanWith(
  sink: OtlpSink,
  attributes: Readonly<Record<string, unknown>>,
): Promise<ReceivedSpan> {
  let span: ReceivedSpan | undefined;
  const find = () =>
    (span = sink.spans.findLast(
      (candidate) =>
        candidate.kind === 3 &&
        Object.entries(attributes).every(([name, value]) => (candidate.attributes[name] ?? false) === value),
    ));
  await expect.poll(find, { timeout: 5000 }).toBeDefined();
  return span!;
}

/** One metered ai-proxy route of a client-format suite: its provider, model and prices. */
export interface MeteredRoute {
  /** The route's name (and, unless `path` is given, its path after a slash). */
  readonly name: string;
  readonly path?: string;
  readonly provider: string;
  readonly model: string;
  /** `model.options.input_cost` and `output_cost`, per million tokens. */
  readonly cost: { readonly input: number; readonly output: number };
  /** The rest of the plugin's form fields (`config.route_type=...`, auth, options). */
  readonly config: readonly string[];
}

/** Adds `route` to the `llm` service: an ai-proxy with its provider, model, prices and statistics logged. */
export function addMeteredRoute(gateway: StandaloneGateway, route: MeteredRoute): Promise<void> {
  return addAiProxyRoute(gateway.admin, {
    service: 'llm',
    name: route.name,
    paths: [route.path ?? `/${route.name}`],
    plugin: [
      `config.model.provider=${route.provider}`,
      `config.model.name=${route.model}`,
      `config.model.options.input_cost=${route.cost.input}`,
      `config.model.options.output_cost=${route.cost.output}`,
      'config.logging.log_statistics=true',
      ...route.config,
    ],
  });
}
