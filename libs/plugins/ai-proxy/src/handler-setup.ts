import type { GatewayError, PluginScope, ProviderDriver } from '@switchyard/plugin-api';
import type { AiProxyConfig } from './ai-proxy.config.js';
import type { AuthInjector } from './auth-injector.js';
import type { ModelTemplate } from './template.resolver.js';

/** Everything one plugin entity's config allows to compute once, in `createHandler`. */
export interface HandlerSetup {
  readonly config: AiProxyConfig;
  readonly scope: PluginScope;
  /** The provider's driver, when the registry has one. */
  readonly driver: ProviderDriver | undefined;
  /** Kong's "no transformer for <provider>://<route_type>", for a provider or route type the registry cannot serve. */
  readonly noTransformer: GatewayError;
  readonly template: ModelTemplate;
  readonly auth: AuthInjector;
  /** Whether anything is logged (statistics or payloads): only then are analytics recorded. */
  readonly analyticsOn: boolean;
}
