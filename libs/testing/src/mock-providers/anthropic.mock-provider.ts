import type { MockProviderDefinition, MockRoute } from './mock-provider-definition.js';

const ROUTES: Readonly<Record<string, MockRoute>> = {
  '/v1/messages': { operation: 'chat' },
  '/v1/complete': { operation: 'completions' },
};

function notWrittenYet(): never {
  throw new Error("the anthropic mock provider does not speak Anthropic's wire format yet");
}

/**
 * Anthropic on its real paths. It must check what Anthropic checks (its auth header, required
 * and unknown fields) and answer with Anthropic's own bodies, statuses and stream frames.
 */
export const anthropicMockProvider: MockProviderDefinition = {
  id: 'anthropic',
  route(method, url) {
    // Any other path gets Anthropic's own 404, once it is written.
    return (method === 'POST' ? ROUTES[url.pathname] : undefined) ?? notWrittenYet();
  },
  authorize: notWrittenYet,
  readInput: notWrittenYet,
  respond: notWrittenYet,
  errorBody: notWrittenYet,
};
