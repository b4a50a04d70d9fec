import { validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { TracingSettings, tracingRequested } from './tracing-settings.js';

function settings(values: Partial<TracingSettings>): TracingSettings {
  return Object.assign(new TracingSettings(), values);
}

function problems(values: Partial<TracingSettings>): string[] {
  return validateSync(settings(values)).flatMap((error) => Object.values(error.constraints ?? {}));
}

describe('TracingSettings', () => {
  it('asks for no tracing unless an exporter or an endpoint is configured', () => {
    expect(tracingRequested(new TracingSettings())).toBe(false);
    expect(tracingRequested(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }))).toBe(true);
    expect(
      tracingRequested(settings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })),
    ).toBe(true);
    expect(tracingRequested(settings({ OTEL_TRACES_EXPORTER: 'otlp' }))).toBe(true);
    expect(tracingRequested(settings({ OTEL_TRACES_EXPORTER: 'console' }))).toBe(true);
  });

  it('is turned off by OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED, whatever the endpoint', () => {
    const endpoint = 'http://collector:4318';
    expect(
      tracingRequested(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_EXPORTER: 'none' })),
    ).toBe(false);
    expect(
      tracingRequested(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: true })),
    ).toBe(false);
  });

  it('accepts the defaults and the documented values', () => {
    expect(problems({})).toEqual([]);
    expect(
      problems({
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: 0.25,
        OTEL_PROPAGATORS: 'tracecontext, baggage',
      }),
    ).toEqual([]);
  });

  it('says what is wrong with a bad value, and what to do about grpc', () => {
    expect(problems({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' as 'http/json' })).toEqual([
      expect.stringContaining(
        "grpc is not supported: point the exporter at the collector's OTLP/HTTP port, 4318",
      ),
    ]);
    expect(problems({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL',
    ]);
    expect(problems({ OTEL_TRACES_SAMPLER: 'sometimes' })).toEqual([
      expect.stringContaining('OTEL_TRACES_SAMPLER must be'),
    ]);
    expect(problems({ OTEL_TRACES_SAMPLER_ARG: 2 })).toHaveLength(1);
    expect(problems({ OTEL_PROPAGATORS: 'b3' })).toEqual([
      'OTEL_PROPAGATORS must list tracecontext, baggage or none (comma-separated)',
    ]);
    expect(problems({ OTEL_TRACES_EXPORTER: 'zipkin' as 'otlp' })).toEqual([
      'OTEL_TRACES_EXPORTER must be otlp, console or none',
    ]);
  });
});
