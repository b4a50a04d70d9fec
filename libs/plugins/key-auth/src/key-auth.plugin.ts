import { definePlugin } from '@switchyard/plugin-api';
import type { KeyAuthConfig } from './key-auth.config.js';
import { createKeyAuthHandler } from './key-auth.handler.js';
import { keyAuthSchema } from './key-auth.schema.js';

/**
 * The `key-auth` plugin: Kong's name and priority (1250: before every AI plugin), its schema,
 * and Kong's rule that an authentication plugin is never scoped to a consumer.
 */
export const keyAuthPlugin = definePlugin<KeyAuthConfig>({
  name: 'key-auth',
  priority: 1250,
  noConsumer: true,
  schema: keyAuthSchema,
  createHandler: (config) => createKeyAuthHandler(config),
});
