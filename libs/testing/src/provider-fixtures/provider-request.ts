import type { ProviderRequest, ResolvedModel } from '@switchyard/plugin-api';

/**
 * A `ProviderRequest` for driver tests: a non-streamed chat request with no query string and
 * no usage wanted, unless `overrides` says otherwise.
 */
export function makeProviderRequest(
  model: ResolvedModel,
  overrides: Partial<ProviderRequest> = {},
): ProviderRequest {
  return {
    routeType: 'llm/v1/chat',
    model,
    stream: false,
    clientQuery: new URLSearchParams(),
    wantsUsage: false,
    ...overrides,
  };
}
