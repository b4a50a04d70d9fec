import type { MockProviderDefinition, MockRoute } from './mock-provider-definition.js';

const ROUTES: Readonly<Record<string, MockRoute>> = {
  '/api/chat': { operation: 'chat' },
  '/api/generate': { operation: 'completions' },
};

function notWrittenYet(): never {
  throw new Error("the llama2 mock provider does not speak Llama 2's wire format yet");
}

/**
 * Llama 2 on its real paths. It must check what Llama 2 checks (its auth header, required
 * and unknown fields) and answer with Llama 2's own bodies, statuses and stream frames.
 */
export const llama2MockProvider: MockProviderDefinition = {
  id: 'llama2',
  route(method, url) {
    // Any other path gets Llama 2's own 404, once it is written.
    return (method === 'POST' ? ROUTES[url.pathname] : undefined) ?? notWrittenYet();
  },
  authorize: notWrittenYet,
  readInput: notWrittenYet,
  respond: notWrittenYet,
  errorBody: notWrittenYet,
};
