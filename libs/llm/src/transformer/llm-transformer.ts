import { GatewayError } from '@switchyard/plugin-api';
import type { ChatMessage, ProviderRegistry, RequestContext } from '@switchyard/plugin-api';
import { compileLlmClient, type LlmClient } from '../client/llm-client.js';
import { LlmCallError } from '../client/llm-call-error.js';
import { compileExtractPattern } from './extract-pattern.js';
import type { LlmTransformerConfig } from './llm-transformer.config.js';

/** Who transforms: the plugin entity and where its calls are logged. */
export interface LlmTransformerSettings {
  /** The plugin entity, for the analytics' `plugin_id`. */
  readonly pluginId: string;
  /** The key of the call's analytics entry in `ctx.log` (Kong's `ai.<plugin name>`: `ai.ai-request-transformer`). */
  readonly logNamespace: string;
}

/** A body rewritten by a model, as Kong's transformer plugins do it. */
export interface LlmTransformer {
  /**
   * Kong's `ai_introspect_body`: asks the model `[system: prompt, user: body]` and returns the
   * text of its answer, or the first match of `transformation_extract_pattern` in it. The call's
   * analytics entry goes into `ctx.log` as soon as the model answered (its tokens are spent,
   * whatever follows). Throws `GatewayError` 400 with Kong's messages when the call fails, the
   * model answers an error or something unreadable, or the pattern does not match.
   */
  transform(ctx: RequestContext, body: string): Promise<string>;
}

/** Kong's `http://host:port` forward proxy, when both are set (the schema sets both or neither). */
function proxyUrl(host: string | null | undefined, port: number | null | undefined): string | undefined {
  return host && port !== null && port !== undefined ? `http://${host}:${port}` : undefined;
}

/** Kong's answers to a failed introspection (`kong/llm/init.lua`), all 400s as its transformers send them. */
function introspectionFailure(error: LlmCallError): GatewayError {
  const message =
    error.failure === 'answer'
      ? `failed to convert AI response to Kong format: ${error.message}`
      : `failed to introspect request with AI service: ${error.message}`;
  return new GatewayError(400, message);
}

const NO_CHOICES = new GatewayError(400, "no 'choices' in upstream AI service response");
const NO_MATCH = new GatewayError(400, 'AI response did not match specified regular expression');

/**
 * Compiles a transformer plugin's config, once per config snapshot: its model client (over the
 * LLM core's `LlmClient`, with `http_timeout`, `https_verify` and the forward proxies) and its
 * extract pattern.
 */
export function compileLlmTransformer(
  config: LlmTransformerConfig,
  settings: LlmTransformerSettings,
  providers: ProviderRegistry,
): LlmTransformer {
  const client: LlmClient = compileLlmClient(config.llm, providers, {
    pluginId: settings.pluginId,
    timeoutMs: config.http_timeout,
    verifyTls: config.https_verify,
    httpProxy: proxyUrl(config.http_proxy_host, config.http_proxy_port),
    httpsProxy: proxyUrl(config.https_proxy_host, config.https_proxy_port),
  });
  const pattern = config.transformation_extract_pattern
    ? compileExtractPattern(config.transformation_extract_pattern)
    : undefined;
  const system: ChatMessage = { role: 'system', content: config.prompt };

  return {
    async transform(ctx, body) {
      let completion;
      try {
        completion = await client.complete(ctx, [system, { role: 'user', content: body }]);
      } catch (error) {
        throw error instanceof LlmCallError ? introspectionFailure(error) : error;
      }
      if (completion.logEntry) ctx.log[settings.logNamespace] = completion.logEntry;
      const text = completion.text;
      if (text === undefined) throw NO_CHOICES;
      if (!pattern) return text;
      const match = pattern.exec(text);
      if (!match) throw NO_MATCH;
      return match.captures[0]!;
    },
  };
}
