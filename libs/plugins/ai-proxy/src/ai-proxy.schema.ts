import { CLIENT_FORMATS } from '@switchyard/plugin-api';
import type { EntityCheck, ProviderRegistry, RecordField } from '@switchyard/plugin-api';
import { clientFormatCheck, llmProxyFields, llmSchemaParts } from '@switchyard/llm';

// Kong declares these on the plugin entity, so it reports them under the entity's `@entity` and
// `config.route_type` / `config.model.provider`; declared on `config` here, they are reported
// under `config`. The checks and messages are Kong's (the route-type one extended to the native
// formats Kong lacks); the same-provider rule stays for bedrock and gemini, which are served to
// their own provider only, while anthropic is served to every provider.
const llmFormatChecks: readonly EntityCheck[] = [
  {
    conditional: {
      if_field: 'llm_format',
      if_match: { one_of: CLIENT_FORMATS.filter((format) => format !== 'openai') },
      then_field: 'route_type',
      then_match: { eq: 'llm/v1/chat' },
      then_err: "native provider options in llm_format can only be used with the 'llm/v1/chat' route_type",
    },
  },
  ...(['bedrock', 'gemini'] as const).map((format): EntityCheck => ({
    conditional: {
      if_field: 'llm_format',
      if_match: { eq: format },
      then_field: 'model.provider',
      then_match: { eq: format },
      then_err: `native llm_format '${format}' can only be used with the '${format}' model.provider`,
    },
  })),
];

/**
 * The `config` schema of the `ai-proxy` plugin, field for field Kong 3.10's
 * (`kong/llm/schemas/init.lua` plus the fields of `kong/plugins/ai-proxy/schema.lua`): the same
 * types, bounds, enums, defaults and entity checks, with Kong's exact error messages. The
 * providers' option slices come from `providers`.
 */
export function aiProxySchema(providers: ProviderRegistry): RecordField {
  const llm = llmSchemaParts(providers);
  return {
    type: 'record',
    description: 'Proxies OpenAI-style chat and completion requests to the configured LLM provider.',
    fields: {
      ...llm.fields,
      ...llmProxyFields,
    },
    entity_checks: [...llm.checks, ...llmFormatChecks, clientFormatCheck(providers)],
  };
}
