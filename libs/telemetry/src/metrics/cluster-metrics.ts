import { AggregatorRegistry } from 'prom-client';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { MetricsSource } from './metrics-source.js';

/**
 * In a `node:cluster` worker: answers the primary's metric requests (prom-client's cluster IPC)
 * with this worker's `GatewayMetrics`. Call once per worker process.
 */
export function shareMetricsWithPrimary(metrics: GatewayMetrics): void {
  AggregatorRegistry.setRegistries([metrics.registry]);
  // Constructing one installs prom-client's worker-side IPC listener.
  new AggregatorRegistry();
}

/**
 * In a `node:cluster` primary: the sum over every connected worker's metrics (gauges by their own
 * `aggregator`). Each call asks the workers over IPC; prom-client rejects after 5 s without answer.
 */
export function clusterMetricsSource(): MetricsSource {
  const aggregator = new AggregatorRegistry();
  return { contentType: aggregator.contentType, metrics: () => aggregator.clusterMetrics() };
}
