import type { MockProviderDefinition, MockRoute } from './mock-provider-definition.js';

const ROUTES: Readonly<Record<string, MockRoute>> = {
  '/v1beta/models': { operation: 'chat' },
};

function notWrittenYet(): never {
  throw new Error("the gemini mock provider does not speak Gemini's wire format yet");
}

/**
 * Gemini on its real paths. It must check what Gemini checks (its auth header, required
 * and unknown fields) and answer with Gemini's own bodies, statuses and stream frames.
 */
export const geminiMockProvider: MockProviderDefinition = {
  id: 'gemini',
  route(method, url) {
    // Any other path gets Gemini's own 404, once it is written.
    return (method === 'POST' ? ROUTES[url.pathname] : undefined) ?? notWrittenYet();
  },
  authorize: notWrittenYet,
  readInput: notWrittenYet,
  respond: notWrittenYet,
  errorBody: notWrittenYet,
};
