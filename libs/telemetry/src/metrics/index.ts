export * from './bounded-label-values.js';
export * from './cluster-metrics.js';
export * from './gateway-metrics.js';
export * from './metered-request.js';
export * from './metrics-source.js';
export * from './sync-metrics.js';
export * from './status-handler.js';
