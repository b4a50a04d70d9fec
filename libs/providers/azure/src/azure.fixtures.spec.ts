import { fileURLToPath } from 'node:url';
import { describeProviderFixtures } from '@switchyard/testing';
import { azureProvider } from './azure.provider.js';

describeProviderFixtures(azureProvider, fileURLToPath(new URL('./__fixtures__', import.meta.url)), {
  provider: 'azure',
  name: 'gpt-4o',
  options: {
    azure_instance: 'switchyard-test',
    azure_deployment_id: 'gpt-4o',
    azure_api_version: '2024-06-01',
  },
});
