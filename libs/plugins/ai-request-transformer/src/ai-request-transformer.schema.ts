import type { ProviderRegistry, RecordField } from '@switchyard/plugin-api';
import { llmTransformerSchema } from '@switchyard/llm';

/**
 * The `config` schema of the `ai-request-transformer` plugin, field for field Kong's
 * (`kong/plugins/ai-request-transformer/schema.lua`): Kong's descriptions for the prompt and the
 * extract pattern, the shared transformer fields and checks, the model in an `llm` record of
 * any provider of `providers`.
 */
export function aiRequestTransformerSchema(providers: ProviderRegistry): RecordField {
  return llmTransformerSchema(providers, {
    description:
      'Sends the request body with a prompt to an LLM before proxying, and sends its answer upstream as the new body.',
    prompt:
      'Use this prompt to tune the LLM system/assistant message for the incoming proxy request (from the client), and what you are expecting in return.',
    extractPattern:
      "Defines the regular expression that must match to indicate a successful AI transformation at the request phase. The first match will be set as the outgoing body. If the AI service's response doesn't match this pattern, it is marked as a failure.",
  });
}
