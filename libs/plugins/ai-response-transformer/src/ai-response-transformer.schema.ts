import type { ProviderRegistry, RecordField } from '@switchyard/plugin-api';
import { llmTransformerSchema } from '@switchyard/llm';

/**
 * The `config` schema of the `ai-response-transformer` plugin, field for field Kong's
 * (`kong/plugins/ai-response-transformer/schema.lua`): Kong's descriptions, the shared
 * transformer fields and checks, `parse_llm_response_json_instructions`, and the model in an
 * `llm` record of any provider of `providers`.
 */
export function aiResponseTransformerSchema(providers: ProviderRegistry): RecordField {
  return llmTransformerSchema(
    providers,
    {
      description:
        'Sends the upstream’s answer with a prompt to an LLM, and sends the client its answer as the new body (or the status, headers and body it gives).',
      prompt:
        'Use this prompt to tune the LLM system/assistant message for the returning proxy response (from the upstream), and what response format you are expecting.',
      extractPattern:
        "Defines the regular expression that must match to indicate a successful AI transformation at the response phase. The first match will be set as the returning body. If the AI service's response doesn't match this pattern, a failure is returned to the client.",
    },
    {
      parse_llm_response_json_instructions: {
        type: 'boolean',
        required: true,
        default: false,
        description:
          'Set true to read specific response format from the LLM, and accordingly set the status code / body / headers that proxy back to the client. You need to engineer your LLM prompt to return the correct format: a JSON object with `status`, `headers` and `body`.',
      },
    },
  );
}
