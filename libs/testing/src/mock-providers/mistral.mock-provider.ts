import type { MockProviderDefinition, MockRoute } from './mock-provider-definition.js';

const ROUTES: Readonly<Record<string, MockRoute>> = {
  '/v1/chat/completions': { operation: 'chat' },
};

function notWrittenYet(): never {
  throw new Error("the mistral mock provider does not speak Mistral's wire format yet");
}

/**
 * Mistral on its real paths. It must check what Mistral checks (its auth header, required
 * and unknown fields) and answer with Mistral's own bodies, statuses and stream frames.
 */
export const mistralMockProvider: MockProviderDefinition = {
  id: 'mistral',
  route(method, url) {
    // Any other path gets Mistral's own 404, once it is written.
    return (method === 'POST' ? ROUTES[url.pathname] : undefined) ?? notWrittenYet();
  },
  authorize: notWrittenYet,
  readInput: notWrittenYet,
  respond: notWrittenYet,
  errorBody: notWrittenYet,
};
