import type { RecordField, SchemaField } from '@switchyard/plugin-api';

/** Kong's `prompt_record`: a chat message of a fixed role and up to 500 bytes of content. */
const message: RecordField = {
  type: 'record',
  description: 'A chat message the decorator adds.',
  fields: {
    role: {
      type: 'string',
      required: true,
      one_of: ['system', 'assistant', 'user'],
      default: 'system',
      description: "The message's role: `system`, `assistant` or `user`.",
    },
    content: {
      type: 'string',
      required: true,
      len_min: 1,
      len_max: 500,
      description: "The message's text, 1 to 500 bytes.",
    },
  },
};

const messages = (description: string): SchemaField => ({
  type: 'array',
  elements: message,
  len_max: 15,
  description,
});

/**
 * The `config` schema of the `ai-prompt-decorator` plugin, field for field Kong's
 * (`kong/plugins/ai-prompt-decorator/schema.lua`): the same fields, defaults, bounds and
 * descriptions, and Kong's `at_least_one_of` check with Kong's message (declared on `config`
 * here, so reported under `config['@entity']`).
 */
export const aiPromptDecoratorSchema: RecordField = {
  type: 'record',
  description: "Adds configured chat messages before and after the client's messages.",
  fields: {
    prompts: {
      type: 'record',
      description: 'The messages to add: `prepend`, `append`, or both.',
      fields: {
        prepend: messages(
          'Insert chat messages at the beginning of the chat message array. This array preserves exact order when adding messages.',
        ),
        append: messages(
          'Insert chat messages at the end of the chat message array. This array preserves exact order when adding messages.',
        ),
      },
    },
    max_request_body_size: {
      type: 'integer',
      default: 8192,
      gt: 0,
      description: 'Largest request body, in bytes, that the plugin introspects (larger ones get a 413).',
    },
  },
  entity_checks: [
    {
      at_least_one_of: ['prompts.prepend', 'prompts.append'],
      message:
        "at least one of these fields must be non-empty: 'config.prompts.prepend', 'config.prompts.append'",
    },
  ],
};
