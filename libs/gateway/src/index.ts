export * from './active-config.js';
export * from './compiled-config.js';
export * from './proxy-node.js';
export * from './proxy.module.js';
export * from './proxy-request-handler.js';
export * from './upstream-client.js';
export * from './proxy.settings.js';
