import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { ConfigSnapshot } from '@switchyard/config';
import { contextFromTraceparent, traceparentOf } from '@switchyard/telemetry';

/** How one synchronizer pass ended, as its span records it. */
export type PassOutcome = 'published' | 'unchanged' | 'stale' | 'conflict' | 'refused' | 'failed';

/**
 * The span of one config-sync pass that built a snapshot, in the trace of the write that made its
 * version (the store keeps that write's `traceparent`): a config change is then one trace from
 * the Admin API to every proxy's swap, since the published snapshot carries this span's context.
 */
export class PublishTrace {
  private readonly span: Span;

  constructor(
    tracer: Tracer,
    snapshot: ConfigSnapshot,
    writeTraceparent: string | null | undefined,
    startedAt: number,
  ) {
    this.span = tracer.startSpan(
      'publish config-snapshot',
      {
        kind: SpanKind.PRODUCER,
        startTime: startedAt,
        attributes: {
          'messaging.operation.type': 'send',
          'switchyard.config.version': snapshot.version,
          'switchyard.config.hash': snapshot.hash,
        },
      },
      contextFromTraceparent(writeTraceparent),
    );
  }

  /** `snapshot` carrying this span's `traceparent`, for the proxies' swap spans to continue. */
  carriedBy(snapshot: ConfigSnapshot): ConfigSnapshot {
    const traceparent = traceparentOf(trace.setSpan(ROOT_CONTEXT, this.span));
    return traceparent ? { ...snapshot, traceparent } : snapshot;
  }

  end(outcome: PassOutcome, problem?: string): void {
    this.span.setAttribute('switchyard.config.outcome', outcome);
    if (problem !== undefined) this.span.setStatus({ code: SpanStatusCode.ERROR, message: problem });
    this.span.end();
  }
}
