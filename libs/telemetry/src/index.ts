export * from './logger.js';
export * from './metrics/index.js';
