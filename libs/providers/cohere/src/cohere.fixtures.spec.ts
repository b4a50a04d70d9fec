import { fileURLToPath } from 'node:url';
import { describeProviderFixtures } from '@switchyard/testing';
import { cohereProvider } from './cohere.provider.js';

describeProviderFixtures(cohereProvider, fileURLToPath(new URL('./__fixtures__', import.meta.url)), {
  provider: 'cohere',
  name: 'command-r',
  options: {},
});
