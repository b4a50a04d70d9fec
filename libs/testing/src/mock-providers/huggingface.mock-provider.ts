import type { MockProviderDefinition, MockRoute } from './mock-provider-definition.js';

const ROUTES: Readonly<Record<string, MockRoute>> = {
  '/models': { operation: 'completions' },
};

function notWrittenYet(): never {
  throw new Error("the huggingface mock provider does not speak Hugging Face's wire format yet");
}

/**
 * Hugging Face on its real paths. It must check what Hugging Face checks (its auth header, required
 * and unknown fields) and answer with Hugging Face's own bodies, statuses and stream frames.
 */
export const huggingfaceMockProvider: MockProviderDefinition = {
  id: 'huggingface',
  route(method, url) {
    // Any other path gets Hugging Face's own 404, once it is written.
    return (method === 'POST' ? ROUTES[url.pathname] : undefined) ?? notWrittenYet();
  },
  authorize: notWrittenYet,
  readInput: notWrittenYet,
  respond: notWrittenYet,
  errorBody: notWrittenYet,
};
