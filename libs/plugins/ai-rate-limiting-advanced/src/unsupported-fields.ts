import type { EntityCheck } from '@switchyard/plugin-api';

/** The refusal of a Kong setting this gateway accepts in its schema but cannot honour. */
const notSupported = (setting: string, reason: string) =>
  `${setting} is not supported by this gateway: ${reason}`;

/** A check that refuses `field` whenever it is set (not null). */
const refusedField = (field: string, reason: string): EntityCheck => ({
  custom: (value) => (value[field] === null ? undefined : notSupported(`'config.${field}'`, reason)),
  field_sources: [field],
});

/** Kong's identifiers that need entities this gateway does not have. */
const REFUSED_IDENTIFIERS: Readonly<Record<string, string>> = {
  path: 'counting per request path is not implemented; use `identifier` `service` or a route per path',
  'consumer-group': 'consumer groups are not implemented',
};

/** Kong's pseudo-providers, which count something other than an LLM answer's tokens. */
const REFUSED_PROVIDERS: Readonly<Record<string, string>> = {
  requestPrompt: 'counting request prompts with a custom function is not implemented',
  customCost: 'costs computed by a custom function are not implemented',
};

/**
 * The checks that refuse the parts of Kong's `ai-rate-limiting-advanced` config this gateway
 * does not implement (they need consumer groups, path counters, policy entities or Lua
 * functions), each with a message that names the field and says so, rather than the generic
 * "unknown field". The fields themselves are declared with Kong's types, so a malformed value
 * gets the field's own error first.
 */
export const UNSUPPORTED_FIELD_CHECKS: readonly EntityCheck[] = [
  {
    custom: (value) => {
      const identifier = value['identifier'] as string;
      const reason = REFUSED_IDENTIFIERS[identifier];
      return reason && notSupported(`'config.identifier' '${identifier}'`, reason);
    },
    field_sources: ['identifier'],
  },
  {
    custom: (value) => {
      const names = (value['llm_providers'] as readonly { name: string }[]).map((entry) => entry.name);
      const refused = names.find((name) => Object.hasOwn(REFUSED_PROVIDERS, name));
      return refused && notSupported(`'config.llm_providers' name '${refused}'`, REFUSED_PROVIDERS[refused]!);
    },
    field_sources: ['llm_providers'],
  },
  refusedField('policies', 'policy-based limits are not implemented; use `llm_providers`'),
  refusedField('custom_cost_count_function', 'Lua cost functions are not run here'),
  refusedField('request_prompt_count_function', 'Lua count functions are not run here'),
];
