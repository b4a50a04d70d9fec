import { describe, expect, it } from 'vitest';
import { PLUGIN_DEFINITIONS, PROVIDERS, createPluginRuntimes } from './index.js';

describe('the catalog of this build', () => {
  it('ships the OpenAI, Azure OpenAI, Anthropic, Cohere, Mistral and Llama 2 drivers under their own ids', () => {
    expect([...PROVIDERS.keys()].sort()).toEqual([
      'anthropic',
      'azure',
      'cohere',
      'llama2',
      'mistral',
      'openai',
    ]);
    for (const [id, driver] of PROVIDERS) expect(driver.id).toBe(id);
  });

  it('runs every plugin the control plane accepts, with the same priority', () => {
    const runtimes = createPluginRuntimes();
    for (const definition of PLUGIN_DEFINITIONS) {
      expect(runtimes.get(definition.name)?.priority).toBe(definition.priority);
    }
    expect(runtimes.get('ai-proxy')?.priority).toBe(770);
  });
});
