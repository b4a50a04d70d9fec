import { propagation, ROOT_CONTEXT, type Context } from '@opentelemetry/api';

/**
 * A trace context carried across a process boundary that is not an HTTP request (a database
 * row, a config snapshot on the bus), as its W3C `traceparent` string.
 */
export type Traceparent = string;

/** The `traceparent` of `ctx`'s span, or `undefined` when it has none (or tracing is off). */
export function traceparentOf(ctx: Context): Traceparent | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** The context to start a span in so that it continues `traceparent`'s trace (a new trace when absent). */
export function contextFromTraceparent(traceparent: Traceparent | null | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}
