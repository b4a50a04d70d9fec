import { describe, expect, it } from 'vitest';
import { PLUGIN_DEFINITIONS, PROVIDERS, createPluginRuntimes } from './index.js';

describe('the catalog of this build', () => {
  it("ships the drivers of Kong's providers under their own ids", () => {
    expect([...PROVIDERS.keys()].sort()).toEqual([
      'anthropic',
      'azure',
      'bedrock',
      'cohere',
      'gemini',
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
    // Kong's order: key-auth first, then the request transformer, the prompt plugins (template
    // renders, decorator adds, guard checks), ai-proxy, and the response transformer last.
    const order = [
      'key-auth',
      'ai-request-transformer',
      'ai-prompt-template',
      'ai-prompt-decorator',
      'ai-prompt-guard',
      'ai-proxy',
      'ai-response-transformer',
    ];
    expect(order.map((name) => runtimes.get(name)?.priority)).toEqual([1250, 777, 773, 772, 771, 770, 768]);
  });
});
