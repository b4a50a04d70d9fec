import { validatePluginConfig, type ConfigFieldErrors } from '@switchyard/config';
import { describe, expect, it } from 'vitest';
import { aiPromptDecoratorSchema } from './ai-prompt-decorator.schema.js';

function errorsOf(config: Record<string, unknown>): string | ConfigFieldErrors {
  const result = validatePluginConfig(aiPromptDecoratorSchema, config);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.value)}`);
  return result.errors;
}

const AT_LEAST_ONE =
  "at least one of these fields must be non-empty: 'config.prompts.prepend', 'config.prompts.append'";

describe('ai-prompt-decorator config', () => {
  it("gets Kong's defaults: the system role, a body limit of 8 KiB", () => {
    expect(
      validatePluginConfig(aiPromptDecoratorSchema, { prompts: { append: [{ content: 'Be brief.' }] } }),
    ).toEqual({
      ok: true,
      value: {
        prompts: { prepend: null, append: [{ role: 'system', content: 'Be brief.' }] },
        max_request_body_size: 8192,
      },
    });
  });

  it("needs prepend or append messages (Kong's at_least_one_of)", () => {
    expect(errorsOf({})).toEqual({ '@entity': [AT_LEAST_ONE] });
    expect(errorsOf({ prompts: { prepend: [], append: null } })).toEqual({ '@entity': [AT_LEAST_ONE] });
  });

  it("keeps Kong's bounds: 15 messages, 1 to 500 bytes of content, three roles", () => {
    const many = Array.from({ length: 16 }, () => ({ content: 'x' }));
    expect(errorsOf({ prompts: { prepend: many } })).toEqual({
      prompts: { prepend: 'length must be at most 15' },
    });
    expect(
      errorsOf({
        prompts: { append: [{ content: 'x'.repeat(501) }, { role: 'tool', content: 'x' }, { role: 'user' }] },
      }),
    ).toEqual({
      prompts: {
        append: [
          { content: 'length must be at most 500' },
          { role: 'expected one of: system, assistant, user' },
          { content: 'required field missing' },
        ],
      },
    });
  });
});
