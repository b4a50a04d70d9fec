import { validatePluginConfig, type ConfigFieldErrors } from '@switchyard/config';
import { describe, expect, it } from 'vitest';
import { PLUGIN_DEFINITIONS } from './index.js';

/** The transformers' schemas as this build serves them (the llm record with the registered providers). */
const schemaOf = (name: string) => PLUGIN_DEFINITIONS.find((plugin) => plugin.name === name)!.schema;

/** Kong's spec config (`spec/03-plugins/39-ai-request-transformer/01-transformer_spec.lua`), on OpenAI. */
const LLM = {
  route_type: 'llm/v1/chat',
  auth: { header_name: 'Authorization', header_value: 'Bearer token' },
  model: { name: 'gpt-4', provider: 'openai', options: { max_tokens: 256, temperature: 1.0 } },
};

describe.each(['ai-request-transformer', 'ai-response-transformer'])('%s config', (name) => {
  const schema = schemaOf(name);

  function errorsOf(config: Record<string, unknown>): string | ConfigFieldErrors {
    const result = validatePluginConfig(schema, config);
    if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.value)}`);
    return result.errors;
  }

  it("gets Kong's defaults", () => {
    const result = validatePluginConfig(schema, { prompt: 'anything', llm: LLM });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));

    expect(result.value).toMatchObject({
      prompt: 'anything',
      transformation_extract_pattern: null,
      http_timeout: 60000,
      https_verify: true,
      max_request_body_size: 8192,
      http_proxy_host: null,
      http_proxy_port: null,
      https_proxy_host: null,
      https_proxy_port: null,
      llm: { route_type: 'llm/v1/chat', logging: { log_statistics: false, log_payloads: false } },
      ...(name === 'ai-response-transformer' && { parse_llm_response_json_instructions: false }),
    });
  });

  it("must be 'llm/v1/chat' route type, and have a prompt (Kong's spec)", () => {
    expect(errorsOf({ llm: { ...LLM, route_type: 'llm/v1/completions' } })).toEqual({
      '@entity': ["'config.llm.route_type' must be 'llm/v1/chat' for AI transformer plugins"],
      llm: { route_type: 'value must be llm/v1/chat' },
      prompt: 'required field missing',
    });
  });

  it("requires 'https_proxy_host' and 'https_proxy_port' to be set together, and 'http_…' alike (Kong's spec)", () => {
    expect(errorsOf({ prompt: 'anything', https_proxy_host: 'kong.local', llm: LLM })).toEqual({
      '@entity': ["all or none of these fields must be set: 'https_proxy_host', 'https_proxy_port'"],
    });
    expect(errorsOf({ prompt: 'anything', http_proxy_port: 3128, llm: LLM })).toEqual({
      '@entity': ["all or none of these fields must be set: 'http_proxy_host', 'http_proxy_port'"],
    });
  });

  it("checks proxy hosts and ports as Kong's typedefs do", () => {
    expect(
      errorsOf({ prompt: 'p', https_proxy_host: 'http://squid', https_proxy_port: 70000, llm: LLM }),
    ).toEqual({
      https_proxy_host: 'invalid value: http://squid',
      https_proxy_port: 'value should be between 0 and 65535',
    });
  });

  it('refuses an extract pattern RE2 cannot run, saying what it lacks', () => {
    expect(errorsOf({ prompt: 'p', transformation_extract_pattern: '(?<=json:)\\{.*\\}', llm: LLM })).toEqual(
      {
        '@entity': [
          "transformation_extract_pattern: invalid regex '(?<=json:)\\{.*\\}': lookbehind `(?<=` is not supported (user regexes run on RE2, which matches in linear time and has no lookaround, backreferences, atomic groups or possessive quantifiers)",
        ],
      },
    );
    expect(
      validatePluginConfig(schema, {
        prompt: 'p',
        transformation_extract_pattern: '\\{((.|\\n)*)\\}',
        llm: LLM,
      }).ok,
    ).toBe(true);
  });

  it("checks the llm record with the shared llm schema's rules", () => {
    expect(
      errorsOf({ prompt: 'p', llm: { ...LLM, model: { provider: 'anthropic', name: 'claude' } } }),
    ).toEqual({
      llm: { '@entity': ["must set 'model.options.anthropic_version' for anthropic provider"] },
    });
    // As in Kong, an absent record is built from its fields' defaults, then checked.
    expect(errorsOf({ prompt: 'p' })).toEqual({
      llm: { route_type: 'required field missing', model: { provider: 'required field missing' } },
    });
  });
});
