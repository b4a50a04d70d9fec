import type {
  AnswerSummary,
  CallTrace,
  ChatMessage,
  ClientBody,
  ClientCredentials,
  OutgoingLlmRequest,
  ProviderDriver,
  ProviderRegistry,
  ProviderRequest,
  RequestContext,
  RouteTranslation,
  TranslatedResponse,
  UpstreamCallTrace,
} from '@switchyard/plugin-api';
import type { LlmConfig } from '../config/llm-config.js';
import { decodedBody, parseAnswer, type AnswerMessage } from '../exchange/answer-body.js';
import { InflateLimitError } from '../exchange/gzip-codec.js';
import { compileTarget, type CompiledTarget } from '../exchange/llm-target.js';
import { requestAnalytics, translateRequest } from '../exchange/request-translation.js';
import { llmUpstreamUrl } from '../exchange/upstream-url.js';
import { resolveModelName } from '../request/model-resolver.js';
import { withTuningOptions } from '../request/request-normalizer.js';
import type { AiProxyLogEntry, RequestAnalytics } from '../telemetry/analytics.js';
import { describeLlmRequest, recordLlmAnswer } from '../telemetry/llm-call-trace.js';
import { LlmCallError } from './llm-call-error.js';
import { sendLlmRequest, type LlmHttpOptions } from './llm-http.js';

/** How a plugin calls its model, beyond the `llm` record. */
export interface LlmClientOptions extends LlmHttpOptions {
  /** The plugin entity, for the analytics' `plugin_id`. */
  readonly pluginId: string;
}

/** One answered call. */
export interface LlmCompletion {
  /** The text of the answer's first choice; `undefined` when it has none (no choices, a tool call only). */
  readonly text: string | undefined;
  /** What the answer says of itself: token usage, model, id, finish reasons. */
  readonly summary: AnswerSummary;
  /**
   * The call's analytics entry (Kong's `meta`, `usage`, `payload` shape, the `ai.proxy` one), when
   * the `llm` record logs statistics or payloads: the plugin logs it under its own namespace.
   */
  readonly logEntry: AiProxyLogEntry | undefined;
}

/**
 * A model a plugin calls itself during a request (a sub-request, as Kong's transformer plugins
 * make): compiled once per plugin config, used by any number of requests at once.
 */
export interface LlmClient {
  /**
   * Asks the model `messages` as an OpenAI-style chat request (`llm/v1/chat`, whole, not
   * streamed, the config's tuning options merged), translated for the provider by its driver,
   * authenticated by its authenticator, sent over a keep-alive pool within the client's timeout,
   * and reads the answer through the driver's translation. Traced as a client span of the
   * request when it is traced. Throws `GatewayError` for a request the config cannot make (no
   * model, a template, a translation refused: Kong's 400s), `LlmCallError` when the call fails,
   * and the abort itself when the client goes away.
   */
  complete(ctx: RequestContext, messages: readonly ChatMessage[]): Promise<LlmCompletion>;
}

/**
 * The client's credentials, as a plugin's own call sees them: none. The client's `Authorization`
 * is meant for the gateway or the proxied model, never for a model the gateway calls itself, so
 * `allow_override` never lets it through here.
 */
const NO_CLIENT_CREDENTIALS: ClientCredentials = { headers: {}, query: new URLSearchParams() };

const ROUTE_TYPE = 'llm/v1/chat';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Kong's `choices[1].message.content` of an OpenAI-format answer, when it is text. */
function firstChoiceText(body: unknown): string | undefined {
  if (!isRecord(body) || !Array.isArray(body.choices)) return undefined;
  const message: unknown = (body.choices[0] as { message?: unknown } | undefined)?.message;
  const content = isRecord(message) ? message.content : undefined;
  return typeof content === 'string' ? content : undefined;
}

/**
 * Compiles an `llm` config into a client, once per config snapshot: its driver, templates and
 * authenticator, the same as `ai-proxy`'s target of that config would have.
 */
export function compileLlmClient(
  config: LlmConfig,
  providers: ProviderRegistry,
  options: LlmClientOptions,
): LlmClient {
  const target = compileTarget(
    {
      pluginId: options.pluginId,
      config,
      responseStreaming: 'deny',
      modelNameHeader: false,
      clientFormat: 'openai',
    },
    providers,
  );
  const translation = target.driver?.routes[ROUTE_TYPE]?.openai;
  return {
    complete: async (ctx, messages) => {
      const { driver } = target;
      if (!driver || !translation) throw target.noTransformer;
      return new LlmCall(ctx, target, driver, translation, options).run(messages);
    },
  };
}

/** One call: what it asked, and what it has learned so far. Created per call. */
class LlmCall {
  private readonly startedAt = performance.now();
  private analytics: RequestAnalytics | undefined;
  private trace: CallTrace | undefined;

  constructor(
    private readonly ctx: RequestContext,
    private readonly target: CompiledTarget,
    private readonly driver: ProviderDriver,
    private readonly translation: RouteTranslation,
    private readonly options: LlmClientOptions,
  ) {}

  async run(messages: readonly ChatMessage[]): Promise<LlmCompletion> {
    const { request, body, outgoing } = await this.prepare(messages);
    let answer: AnswerMessage | undefined;
    try {
      answer = await sendLlmRequest(
        outgoing,
        this.options,
        this.ctx.signal,
        this.ctx.limits.maxResponseBodyBytes,
      );
      this.analytics?.responded();
      // Kong's drivers take any 2xx as an answer.
      if (answer.status > 299) {
        throw new LlmCallError(
          'status',
          `status code ${answer.status}`,
          String(answer.status),
          answer.status,
        );
      }
      const translated = await this.read(answer, request);
      this.trace?.end({ status: answer.status });
      const { analytics } = this;
      analytics?.answered(translated, () => JSON.stringify(translated.body));
      return {
        text: firstChoiceText(translated.body),
        summary: translated,
        logEntry: analytics?.entry(Buffer.from(JSON.stringify(body))),
      };
    } catch (error) {
      this.trace?.end({
        status: answer?.status,
        errorType: error instanceof LlmCallError ? error.errorType : (error as Error).name,
      });
      throw error;
    }
  }

  /** The chat request, translated for the provider, authenticated, its span started. */
  private async prepare(messages: readonly ChatMessage[]) {
    const { target, driver, ctx } = this;
    const fields = target.template.resolve(ctx);
    const chat: ClientBody = { messages, stream: false };
    const request: ProviderRequest = {
      routeType: ROUTE_TYPE,
      clientFormat: 'openai',
      model: { provider: driver.id, name: resolveModelName(fields.name, chat), options: fields.options },
      stream: false,
      clientQuery: NO_CLIENT_CREDENTIALS.query,
      wantsUsage: target.settings.config.logging.log_statistics,
      clientWantsUsage: false,
    };
    const body = withTuningOptions(chat, fields.options);
    const translated = translateRequest(driver, this.translation, body, request);
    const { authenticator } = target;
    if (authenticator.bodyCredential && isRecord(translated.body))
      authenticator.bodyCredential(translated.body, {});
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      // The answer is read whole and translated: uncompressed, it needs no inflating.
      'accept-encoding': 'identity',
    };
    const providerHeaders = translated.headers;
    if (providerHeaders)
      for (const header in providerHeaders) headers[header.toLowerCase()] = providerHeaders[header]!;
    const outgoing: OutgoingLlmRequest = {
      url: llmUpstreamUrl(driver, request),
      method: 'POST',
      headers,
      body: JSON.stringify(translated.body),
      options: fields.options,
    };
    await authenticator.authenticate(outgoing, NO_CLIENT_CREDENTIALS);
    if (target.analyticsOn) this.analytics = requestAnalytics(target, driver, request, body, this.startedAt);
    if (ctx.callTracer) this.trace = this.startTrace(request, body, outgoing);
    return { request, body, outgoing };
  }

  /** The call's client span, named and described as `ai-proxy`'s upstream call is; its context goes with the request. */
  private startTrace(request: ProviderRequest, body: ClientBody, outgoing: OutgoingLlmRequest): CallTrace {
    const described: UpstreamCallTrace = { name: undefined, attributes: {} };
    describeLlmRequest(described, this.driver.telemetryName, request, body);
    const trace = this.ctx.callTracer!.start({
      name: described.name ?? outgoing.method,
      method: outgoing.method,
      url: outgoing.url,
      attributes: described.attributes,
    });
    trace.inject(outgoing.headers);
    return trace;
  }

  /** A 2xx answer, decoded within the proxy's limit and translated to OpenAI's shape by the driver. */
  private async read(answer: AnswerMessage, request: ProviderRequest): Promise<TranslatedResponse> {
    let translated: TranslatedResponse;
    try {
      const raw = await decodedBody(answer, this.ctx.limits.maxResponseBodyBytes);
      translated = this.translation.response(parseAnswer(raw, request), request);
    } catch (error) {
      if (error instanceof InflateLimitError) {
        const reason = `the answer ${error.message} (PROXY_MAX_RESPONSE_BODY_BYTES)`;
        throw new LlmCallError('transport', `request to ai service failed: ${reason}`, 'body_too_large');
      }
      // A translation's refusal, a body that is not JSON, one in an encoding the gateway cannot
      // decode or a corrupt gzip: an answer the driver cannot read.
      throw new LlmCallError('answer', (error as Error).message, 'invalid_answer', answer.status);
    }
    if (this.trace) recordLlmAnswer(this.trace, translated);
    return translated;
  }
}
