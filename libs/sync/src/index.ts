export * from './config-synchronizer.js';
export * from './config-sync.module.js';
export * from './sync-status-listener.js';
