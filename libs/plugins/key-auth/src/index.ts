export { keyAuthPlugin } from './key-auth.plugin.js';
export { keyAuthSchema } from './key-auth.schema.js';
export type { KeyAuthConfig } from './key-auth.config.js';
