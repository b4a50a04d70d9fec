import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '@switchyard/testing';

/** The Admin API token the compose file requires from the environment. */
const ADMIN_TOKEN = 'compose-spec-admin-token';

/** `docker-compose config` validates the file as Docker Compose would, without a Docker engine. */
function composeConfig(env: Record<string, string> = { ADMIN_TOKEN }): string {
  return execFileSync('docker-compose', ['config'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

type Service = Record<string, unknown>;

function services(): Record<string, Service> {
  return (parse(composeConfig()) as { services: Record<string, Service> }).services;
}

interface PortBinding {
  readonly hostIp: string | null;
  readonly published: string;
  readonly target: string;
}

/** A service's ports, whichever syntax `docker-compose config` writes them in (`ip:published:target/tcp` or long). */
function portsOf(service: Service): PortBinding[] {
  return (service['ports'] as (string | Record<string, unknown>)[]).map((port) => {
    if (typeof port !== 'string') {
      return {
        hostIp: (port['host_ip'] as string | undefined) ?? null,
        published: String(port['published']),
        target: String(port['target']),
      };
    }
    const parts = port.replace(/\/\w+$/, '').split(':');
    const [target, published, hostIp] = parts.reverse();
    return { hostIp: hostIp ?? null, published: published!, target: target! };
  });
}

function readYaml<T>(path: string): T {
  return parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as T;
}

/** The metrics a proxy serves on `/metrics` (libs/telemetry), as the dashboard queries them, plus Prometheus' own `up`. */
const METRICS = [
  'kong_ai_llm_requests_total',
  'kong_ai_llm_tokens_total',
  'kong_ai_llm_cost_total',
  'kong_ai_llm_provider_latency_ms_bucket',
  'switchyard_ai_time_to_first_token_ms_bucket',
  'kong_http_requests_total',
  'kong_request_latency_ms_bucket',
  'kong_upstream_latency_ms_bucket',
  'switchyard_config_version',
  'switchyard_config_last_swap_timestamp_seconds',
  'up',
];

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string }[];
  panels?: Panel[];
}

interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; query: { query: string } | string }[] };
}

const DASHBOARD_PATH = 'deploy/grafana/dashboards/switchyard.json';

describe('docker-compose.yml', () => {
  it('passes docker-compose config and runs postgres, redis, admin, config-sync, 3 proxies and the observability stack', () => {
    const config = services();
    expect(Object.keys(config).sort()).toEqual([
      'admin',
      'config-sync',
      'grafana',
      'jaeger',
      'otel-collector',
      'postgres',
      'prometheus',
      'proxy',
      'redis',
    ]);
    expect((config['proxy']!['deploy'] as { replicas: number }).replicas).toBe(3);
    for (const name of ['postgres', 'redis', 'admin', 'proxy']) {
      expect(config[name]!['healthcheck'], `${name} has a healthcheck`).toBeDefined();
    }
    const adminEnv = config['admin']!['environment'] as Record<string, string>;
    expect(adminEnv['DATABASE_URL']).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    expect(adminEnv['REDIS_URL']).toBe('redis://redis:6379');
  });

  it("publishes the Admin API on the host's loopback only, with ADMIN_TOKEN from the environment", () => {
    const admin = services()['admin']!;
    expect(portsOf(admin)).toEqual([{ hostIp: '127.0.0.1', published: '8001', target: '8001' }]);
    const env = admin['environment'] as Record<string, string>;
    // Inside its container the admin listens on every interface, so it needs the token.
    expect(env['ADMIN_LISTEN']).toBe('0.0.0.0:8001');
    expect(env['ADMIN_TOKEN']).toBe(ADMIN_TOKEN);
    expect(JSON.stringify(admin['healthcheck'])).toContain("'kong-admin-token': process.env.ADMIN_TOKEN");
  });

  it('refuses to run without ADMIN_TOKEN, saying what to set', () => {
    let stderr = '';
    try {
      composeConfig({ ADMIN_TOKEN: '' });
    } catch (error) {
      stderr = String((error as { stderr?: unknown }).stderr);
    }
    expect(stderr).toContain('set ADMIN_TOKEN to a secret of at least 16 characters');
  });

  it('points every app at the OpenTelemetry Collector with the standard OTEL_* variables', () => {
    const config = services();
    for (const app of ['admin', 'config-sync', 'proxy']) {
      const env = config[app]!['environment'] as Record<string, string>;
      expect(env['OTEL_EXPORTER_OTLP_ENDPOINT'], app).toBe('http://otel-collector:4318');
      expect(env['OTEL_SERVICE_NAME'], app).toBe(`switchyard-${app}`);
    }
    expect((config['proxy']!['environment'] as Record<string, string>)['STATUS_LISTEN']).toBe('0.0.0.0:8100');
  });

  it('publishes Grafana on 3000, Prometheus on 9090 and the Jaeger UI on 16686', () => {
    const config = services();
    // `docker-compose config` writes ports in the long syntax ({published, target}).
    const ports = (name: string): string[] => portsOf(config[name]!).map((p) => `${p.published}:${p.target}`);
    expect(ports('grafana')).toContain('3000:3000');
    expect(ports('prometheus')).toContain('9090:9090');
    expect(ports('jaeger')).toContain('16686:16686');
    const grafanaEnv = config['grafana']!['environment'] as Record<string, string>;
    expect(grafanaEnv['GF_AUTH_ANONYMOUS_ENABLED']).toBe('true');
    expect(grafanaEnv['GF_AUTH_ANONYMOUS_ORG_ROLE']).toBe('Viewer');
  });

  it('mounts only files and folders that exist in deploy/', () => {
    const config = services();
    const mounts = ['otel-collector', 'prometheus', 'grafana'].flatMap((name) =>
      (config[name]!['volumes'] as string[]).map((volume) => volume.split(':')[0]!),
    );
    const binds = mounts.filter((source) => source.startsWith('/'));
    expect(binds).toHaveLength(4);
    for (const source of binds) {
      expect(source.startsWith(join(REPO_ROOT, 'deploy')), source).toBe(true);
      expect(existsSync(source), source).toBe(true);
    }
  });
});

describe('deploy/ (observability configuration)', () => {
  it('scrapes every proxy replica on :8100/metrics through DNS service discovery', () => {
    const prometheus = readYaml<{
      scrape_configs: {
        job_name: string;
        metrics_path?: string;
        dns_sd_configs?: { names: string[]; port: number }[];
      }[];
    }>('deploy/prometheus/prometheus.yml');
    const job = prometheus.scrape_configs.find((c) => c.job_name === 'switchyard-proxy');
    expect(job?.metrics_path ?? '/metrics').toBe('/metrics');
    expect(job?.dns_sd_configs).toEqual([expect.objectContaining({ names: ['proxy'], port: 8100 })]);
  });

  it("scrapes config-sync's status listener for the published and refused config versions", () => {
    const prometheus = readYaml<{
      scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[];
    }>('deploy/prometheus/prometheus.yml');
    const job = prometheus.scrape_configs.find((c) => c.job_name === 'switchyard-config-sync');
    expect(job?.static_configs).toEqual([{ targets: ['config-sync:8200'] }]);
    const env = services()['config-sync']!['environment'] as Record<string, string>;
    expect(env['SYNC_STATUS_LISTEN']).toBe('0.0.0.0:8200');
  });

  it('receives OTLP on 4317 and 4318 and exports traces to Jaeger', () => {
    const collector = readYaml<{
      receivers: { otlp: { protocols: { grpc: { endpoint: string }; http: { endpoint: string } } } };
      exporters: Record<string, { endpoint: string }>;
      service: { pipelines: { traces: { receivers: string[]; exporters: string[] } } };
    }>('deploy/otel-collector/config.yaml');
    expect(collector.receivers.otlp.protocols.grpc.endpoint).toBe('0.0.0.0:4317');
    expect(collector.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    expect(collector.service.pipelines.traces.receivers).toEqual(['otlp']);
    const [exporter] = collector.service.pipelines.traces.exporters;
    expect(collector.exporters[exporter!]!.endpoint).toBe('jaeger:4317');
  });

  it('provisions the Prometheus and Jaeger datasources and the dashboards folder', () => {
    const datasources = readYaml<{ datasources: { uid: string; type: string; url: string }[] }>(
      'deploy/grafana/provisioning/datasources/datasources.yaml',
    ).datasources;
    expect(datasources.map((d) => [d.uid, d.type, d.url])).toEqual([
      ['prometheus', 'prometheus', 'http://prometheus:9090'],
      ['jaeger', 'jaeger', 'http://jaeger:16686'],
    ]);
    const providers = readYaml<{ providers: { type: string; options: { path: string } }[] }>(
      'deploy/grafana/provisioning/dashboards/dashboards.yaml',
    ).providers;
    expect(providers).toEqual([
      expect.objectContaining({
        type: 'file',
        options: expect.objectContaining({ path: '/var/lib/grafana/dashboards' }),
      }),
    ]);
  });

  it('has a dashboard whose every query names a metric the proxies serve', () => {
    const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, DASHBOARD_PATH), 'utf8')) as Dashboard;
    expect(dashboard.uid).toBe('switchyard');
    const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThanOrEqual(10);
    const used = new Set<string>();
    for (const panel of panels) {
      expect(panel.datasource?.uid, panel.title).toBe('prometheus');
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets!) {
        const names = expr.match(/\b(?:kong|switchyard)_[a-z0-9_]+/g) ?? [];
        const known = METRICS.filter((metric) => new RegExp(`\\b${metric}\\b`).test(expr));
        expect(known.length, `${panel.title}: ${expr}`).toBeGreaterThan(0);
        for (const name of names) expect(METRICS, `${panel.title}: ${expr}`).toContain(name);
        known.forEach((metric) => used.add(metric));
      }
    }
    expect([...used].sort()).toEqual([...METRICS].sort());
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['provider', 'model']);
  });
});
