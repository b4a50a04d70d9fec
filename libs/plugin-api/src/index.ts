export * from './ids.js';
export * from './config-schema.js';
export * from './openai.types.js';
export * from './gateway-error.js';
export * from './provider-driver.js';
export * from './plugin.js';
export * from './request-context.js';
export * from './version.js';
