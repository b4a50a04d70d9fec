import { expect } from 'vitest';
import {
  OtlpSink,
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
