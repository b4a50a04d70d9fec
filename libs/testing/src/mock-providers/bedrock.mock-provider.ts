import type { MockProviderDefinition, MockRoute } from './mock-provider-definition.js';

const ROUTES: Readonly<Record<string, MockRoute>> = {
  '/model': { operation: 'chat' },
};

function notWrittenYet(): never {
  throw new Error("the bedrock mock provider does not speak Amazon Bedrock's wire format yet");
}

/**
 * Amazon Bedrock on its real paths. It must check what Amazon Bedrock checks (its auth header, required
 * and unknown fields) and answer with Amazon Bedrock's own bodies, statuses and stream frames.
 */
export const bedrockMockProvider: MockProviderDefinition = {
  id: 'bedrock',
  route(method, url) {
    // Any other path gets Amazon Bedrock's own 404, once it is written.
    return (method === 'POST' ? ROUTES[url.pathname] : undefined) ?? notWrittenYet();
  },
  authorize: notWrittenYet,
  readInput: notWrittenYet,
  respond: notWrittenYet,
  errorBody: notWrittenYet,
};
