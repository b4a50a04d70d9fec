import type { EntityCheck, RecordField, SchemaField } from '@switchyard/plugin-api';
import { RegexSyntaxError } from '@switchyard/safe-regex';
import { compileGuardPattern } from './guard-patterns.js';

/** Kong's pattern list: up to 10 patterns of 1 to 500 bytes each. */
const patternList = (description: string): SchemaField => ({
  type: 'array',
  len_max: 10,
  elements: {
    type: 'string',
    len_min: 1,
    len_max: 500,
    description: 'A regular expression (RE2 syntax), matched anywhere in the checked prompt.',
  },
  description,
});

/** Every pattern of `field` must compile for RE2, or the Admin API refuses the config naming it. */
const patternsCompile = (field: 'allow_patterns' | 'deny_patterns'): EntityCheck => ({
  field_sources: [field],
  custom: (config) => {
    // Kong runs a custom check with a null field too: no patterns, nothing to compile.
    for (const pattern of (config[field] as readonly string[] | null) ?? []) {
      try {
        compileGuardPattern(pattern);
      } catch (error) {
        if (error instanceof RegexSyntaxError) return `${field}: ${error.message}`;
        throw error;
      }
    }
    return undefined;
  },
});

/**
 * The `config` schema of the `ai-prompt-guard` plugin, field for field Kong's
 * (`kong/plugins/ai-prompt-guard/schema.lua`): the same fields, defaults, bounds and descriptions,
 * Kong's two entity checks with Kong's messages (declared on `config` here, so reported under
 * `config['@entity']`), and one more: every pattern must compile for RE2, where Kong finds a bad
 * pattern only on the first request (a 500).
 */
export const aiPromptGuardSchema: RecordField = {
  type: 'record',
  description:
    'Checks the prompts of chat and completions requests against allow and deny regular expressions before they reach the model.',
  fields: {
    allow_patterns: patternList(
      "Array of valid regex patterns, or valid questions from the 'user' role in chat. When set, a prompt must match at least one.",
    ),
    deny_patterns: patternList(
      "Array of invalid regex patterns, or invalid questions from the 'user' role in chat. A prompt that matches any is refused.",
    ),
    allow_all_conversation_history: {
      type: 'boolean',
      required: true,
      default: false,
      description:
        'If true, will ignore all previous chat prompts from the conversation history: only the latest checked message is matched. If false, every checked message is.',
    },
    max_request_body_size: {
      type: 'integer',
      default: 8192,
      gt: 0,
      description: 'Largest request body, in bytes, that the plugin introspects (larger ones get a 413).',
    },
    match_all_roles: {
      type: 'boolean',
      required: true,
      default: false,
      description:
        "If true, will match all roles in addition to 'user' role in conversation history (needs allow_all_conversation_history false).",
    },
  },
  entity_checks: [
    {
      at_least_one_of: ['allow_patterns', 'deny_patterns'],
      message:
        "at least one of these fields must be non-empty: 'config.allow_patterns', 'config.deny_patterns'",
    },
    {
      conditional: {
        if_field: 'match_all_roles',
        if_match: { eq: true },
        then_field: 'allow_all_conversation_history',
        then_match: { eq: false },
        then_err: "failed conditional validation given value of field 'config.match_all_roles'",
      },
    },
    patternsCompile('allow_patterns'),
    patternsCompile('deny_patterns'),
  ],
};
