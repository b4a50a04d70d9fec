import type { RecordField } from '@switchyard/plugin-api';

/**
 * The `config` schema of the `ai-prompt-template` plugin, field for field Kong's
 * (`kong/plugins/ai-prompt-template/schema.lua`): the same fields, defaults and descriptions.
 */
export const aiPromptTemplateSchema: RecordField = {
  type: 'record',
  description:
    'Renders named request templates: a client sends `{template://<name>}` with `properties`, and the rendered template is the request.',
  fields: {
    templates: {
      type: 'array',
      required: true,
      description:
        'Array of templates available to the request context. Where two share a name, the first is used.',
      elements: {
        type: 'record',
        required: true,
        description: 'A named template.',
        fields: {
          name: {
            type: 'string',
            required: true,
            description: 'Unique name for the template, can be called with `{template://NAME}`',
          },
          template: {
            type: 'string',
            required: true,
            description:
              'Template string for this request, supports mustache-style `{{placeholders}}`: the whole request body as JSON, each placeholder replaced by the JSON-escaped property of its name.',
          },
        },
      },
    },
    allow_untemplated_requests: {
      type: 'boolean',
      required: true,
      default: true,
      description: "Set true to allow requests that don't call or match any template.",
    },
    log_original_request: {
      type: 'boolean',
      required: true,
      default: false,
      description:
        'Set true to add the original request to the Kong log plugin(s) output: the access log line gets `ai.payload.original_request`.',
    },
    max_request_body_size: {
      type: 'integer',
      default: 8192,
      gt: 0,
      description: 'Largest request body, in bytes, that the plugin introspects (larger ones get a 413).',
    },
  },
};
