import { CLIENT_FORMATS, ROUTE_TYPES } from '@switchyard/plugin-api';
import type {
  ClientFormat,
  EntityCheck,
  LlmRouteType,
  ProviderId,
  ProviderRegistry,
} from '@switchyard/plugin-api';
import { servesClientFormat } from '../exchange/client-route.js';

const LLM_ROUTE_TYPES = ROUTE_TYPES.filter((type): type is LlmRouteType => type !== 'preserve');

/** Where one format is served, in words: `'anthropic' on llm/v1/chat for every provider`. */
function describeFormat(providers: ProviderRegistry, format: ClientFormat): string | undefined {
  const all = [...providers.keys()];
  const parts: string[] = [];
  for (const routeType of LLM_ROUTE_TYPES) {
    const served = all.filter((provider) => servesClientFormat(providers, provider, routeType, format));
    if (served.length === 0) continue;
    const who = served.length === all.length ? 'every provider' : served.join(', ');
    parts.push(`on ${routeType} for ${who}`);
  }
  return parts.length === 0 ? undefined : `'${format}' ${parts.join(' and ')}`;
}

/**
 * Which combinations of `llm_format`, `route_type` and `model.provider` work, in one sentence,
 * from what the registered drivers serve (their own entries and the client APIs' pivot).
 */
export function clientFormatSupport(providers: ProviderRegistry): string {
  const described = CLIENT_FORMATS.map((format) => describeFormat(providers, format));
  const served = described.filter((text): text is string => text !== undefined);
  const unserved = CLIENT_FORMATS.filter((_, index) => described[index] === undefined);
  const tail = unserved.length === 0 ? '' : `; not served yet: ${unserved.map((f) => `'${f}'`).join(', ')}`;
  return `served: ${served.join('; ')}${tail}`;
}

/**
 * The Admin API's refusal of a client format the config's provider and route type cannot serve
 * (a direct table entry or the pivot through the provider's OpenAI entry), saying which
 * combinations work. Runs after Kong's own `llm_format` checks, on the fields they left valid.
 */
export function clientFormatCheck(providers: ProviderRegistry): EntityCheck {
  const support = clientFormatSupport(providers);
  return {
    field_sources: ['llm_format', 'route_type', 'model'],
    custom: (config) => {
      const format = config['llm_format'] as ClientFormat;
      const routeType = config['route_type'] as string;
      const provider = (config['model'] as { provider: ProviderId }).provider;
      if (format === 'openai' || routeType === 'preserve') return undefined;
      if (servesClientFormat(providers, provider, routeType as LlmRouteType, format)) return undefined;
      return `llm_format '${format}' cannot be served by ${provider}://${routeType}; ${support}`;
    },
  };
}
