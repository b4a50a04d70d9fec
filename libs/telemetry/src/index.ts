export * from './logger.js';
export * from './metrics/index.js';
export * from './tracing/index.js';
