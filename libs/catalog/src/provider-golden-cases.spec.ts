import { fileURLToPath } from 'node:url';
import { PROVIDERS } from './index.js';
import { describeProviderFixtures } from './provider-golden-cases.spec-helpers.js';

/** Each provider lib keeps its golden cases in `libs/providers/<id>/src/__fixtures__`. */
function fixturesOf(id: string): string {
  return fileURLToPath(new URL(`../../providers/${id}/src/__fixtures__`, import.meta.url));
}

// Every provider this build ships, through the LLM core, against its golden cases: a provider
// without cases for a route type it serves fails here.
for (const driver of PROVIDERS.values()) describeProviderFixtures(driver, fixturesOf(driver.id), PROVIDERS);
