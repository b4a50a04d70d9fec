import { Counter, Gauge, Registry } from 'prom-client';
import type { MetricsSource } from './metrics-source.js';

/**
 * Config-sync's Prometheus metrics, in a `Registry` of their own: which config version it
 * published, and the one it refused to publish (a snapshot a proxy could not serve). Alert on
 * `switchyard_config_refused_version > switchyard_config_published_version`: proxies are then
 * serving an older config than the store holds.
 */
export class SyncMetrics implements MetricsSource {
  readonly registry = new Registry();

  private readonly publishedVersion = new Gauge({
    name: 'switchyard_config_published_version',
    help: 'Version of the config snapshot config-sync last published (0 before the first)',
    registers: [this.registry],
  });
  private readonly refusedVersion = new Gauge({
    name: 'switchyard_config_refused_version',
    help: 'Latest config version config-sync refused to publish as invalid; 0 once a later one is published',
    registers: [this.registry],
  });
  private readonly refusals = new Counter({
    name: 'switchyard_config_refusals_total',
    help: 'Config versions config-sync refused to publish because their snapshot is invalid',
    registers: [this.registry],
  });

  /** Records a published version: nothing is refused any more. */
  published(version: number): void {
    this.publishedVersion.set(version);
    this.refusedVersion.set(0);
  }

  /** Records a version refused because its snapshot cannot be served. */
  refused(version: number): void {
    this.refusedVersion.set(version);
    this.refusals.inc();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
