import { fileURLToPath } from 'node:url';
import { describeProviderFixtures } from '@switchyard/testing';
import { openaiProvider } from './openai.provider.js';

describeProviderFixtures(openaiProvider, fileURLToPath(new URL('./__fixtures__', import.meta.url)), {
  provider: 'openai',
  name: 'gpt-4o-mini',
  options: {},
});
