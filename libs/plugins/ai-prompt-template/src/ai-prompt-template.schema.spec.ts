import { validatePluginConfig } from '@switchyard/config';
import { describe, expect, it } from 'vitest';
import { aiPromptTemplateSchema } from './ai-prompt-template.schema.js';

describe('ai-prompt-template config', () => {
  it("gets Kong's defaults", () => {
    const templates = [{ name: 'greet', template: '{"prompt": "Hello {{name}}"}' }];
    expect(validatePluginConfig(aiPromptTemplateSchema, { templates })).toEqual({
      ok: true,
      value: {
        templates,
        allow_untemplated_requests: true,
        log_original_request: false,
        max_request_body_size: 8192,
      },
    });
  });

  it('requires the templates, each with a name and a template', () => {
    expect(validatePluginConfig(aiPromptTemplateSchema, {})).toEqual({
      ok: false,
      errors: { templates: 'required field missing' },
    });
    expect(validatePluginConfig(aiPromptTemplateSchema, { templates: [{ name: 'greet' }] })).toEqual({
      ok: false,
      errors: { templates: [{ template: 'required field missing' }] },
    });
  });
});
