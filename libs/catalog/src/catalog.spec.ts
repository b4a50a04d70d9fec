import { describe, expect, it } from 'vitest';
import { PLUGIN_DEFINITIONS, PROVIDERS, createPluginRuntimes } from './index.js';

describe('the catalog of this build', () => {
  it("ships the drivers of Kong's providers under their own ids", () => {
    expect([...PROVIDERS.keys()].sort()).toEqual([
      'anthropic',
      'azure',
      'bedrock',
      'cohere',
      'huggingface',
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
    // Kong's: the request transformer before the prompt plugins and ai-proxy, the response one after it.
    expect(runtimes.get('ai-request-transformer')?.priority).toBe(777);
    expect(runtimes.get('ai-response-transformer')?.priority).toBe(768);
  });
});
