import type {
  AnswerSummary,
  FinishReason,
  LlmUsage,
  ModelOptions,
  ProviderId,
  StreamStep,
} from '@switchyard/plugin-api';
import { estimateCompletionTokens } from './token-estimates.js';

/** The `ai.proxy` entry of the access log, in Kong's shape (`serialize-analytics.lua`). */
export interface AiProxyLogEntry {
  meta?: {
    plugin_id: string;
    provider_name: ProviderId;
    request_model: string;
    response_model: string;
    /** Milliseconds from the request reaching the plugin to the upstream's answer (its head, for streams). */
    llm_latency: number;
    /** The provider's own members (Azure's `azure_instance_id`, `azure_deployment_id`, `azure_api_version`). */
    [providerFact: string]: unknown;
  };
  usage?: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    /** `llm_latency` ÷ completion tokens, in whole milliseconds; 0 without completion tokens. */
    time_per_token: number;
    /** In the currency of `input_cost` / `output_cost` (per million tokens); 0 when either is unset. */
    cost: number;
  };
  payload?: {
    /** The client's body, as sent. */
    request: string;
    /** The OpenAI-format answer; for a stream, a `chat.completion` composed from its text. */
    response?: string;
  };
}

/** The namespace Kong logs the plugin's analytics under. */
export const LOG_NAMESPACE = 'ai.proxy';

/** What the analytics of one request need to know from its plugin entity and its request. */
export interface AnalyticsSubject {
  readonly pluginId: string;
  readonly provider: ProviderId;
  readonly logStatistics: boolean;
  readonly logPayloads: boolean;
  /** The model the request asked for (resolved), when there is one. */
  readonly requestModel: string | undefined;
  readonly options: ModelOptions;
  /**
   * The route type generates text (chat, completions). Embeddings have no completion tokens:
   * their cost is the prompt tokens at `input_cost` alone.
   */
  readonly generates: boolean;
  /** The provider's members of `meta` (its driver's `analyticsMeta`). */
  readonly providerMeta?: Readonly<Record<string, unknown>>;
  /** Kong's prompt estimate, computed only when the answer reports no prompt count. */
  readonly promptEstimate: (() => number) | undefined;
  /**
   * The prompt estimate `usage()` falls back on when neither the answer nor `promptEstimate`
   * gives a count (a stream the client left before its usage event).
   */
  readonly usageEstimate?: () => number;
  /** `performance.now()` when the request reached the plugin. */
  readonly startedAt: number;
}

type UsageCounts = { prompt?: number; completion?: number };

/**
 * The analytics of one request, filled as its phases run (created in `access`, kept per request,
 * never on shared objects) and turned into the log entry in `log`.
 */
export class RequestAnalytics {
  private respondedAt: number | undefined;
  private readonly usage: UsageCounts = {};
  private responseModel: string | undefined;
  private responsePayload: (() => string | undefined) | undefined;
  /** Streams only: the text so far, Kong's completion estimate, the finish reason. */
  private readonly streamed: string[] = [];
  private streamedEstimate = 0;
  private finishReason: FinishReason | null = null;
  private streaming = false;

  constructor(private readonly subject: AnalyticsSubject) {}

  /** The upstream answered (its head, for a stream). */
  responded(): void {
    this.respondedAt ??= performance.now();
  }

  /**
   * A buffered answer: what the translation read of it (usage and model; empty for an answer
   * that was not translated), and the body the client got (read only if payloads are logged).
   */
  answered(summary: AnswerSummary, payload: () => string | undefined): void {
    this.usage.prompt = summary.usage?.prompt_tokens;
    this.usage.completion = summary.usage?.completion_tokens;
    if (summary.model) this.responseModel = summary.model;
    this.responsePayload = payload;
  }

  /** One translated stream step. */
  streamedStep(step: StreamStep): void {
    this.streaming = true;
    if (step.text) {
      if (this.subject.logPayloads) this.streamed.push(step.text);
      this.streamedEstimate += estimateCompletionTokens(step.text);
    }
    if (step.usage?.prompt_tokens !== undefined) this.usage.prompt = step.usage.prompt_tokens;
    if (step.usage?.completion_tokens !== undefined) this.usage.completion = step.usage.completion_tokens;
    if (step.model) this.responseModel = step.model;
    if (step.finishReason) this.finishReason = step.finishReason;
  }

  /**
   * What the answer used so far: the reported counts, else Kong's estimates (a stream cut short
   * is counted from the text sent). Read by plugins that charge for it, whatever is logged.
   */
  spent(): LlmUsage {
    const { prompt, completion } = this.usage;
    const promptTokens = prompt ?? this.subject.promptEstimate?.() ?? this.subject.usageEstimate?.() ?? 0;
    const completionTokens = completion ?? (this.streaming ? this.streamedEstimate : 0);
    return {
      provider: this.subject.provider,
      promptTokens,
      completionTokens,
      cost: this.cost(promptTokens, completionTokens),
      reported: prompt !== undefined && completion !== undefined,
    };
  }

  /** The `ai.proxy` log entry, or `undefined` when the config logs nothing. */
  entry(requestBody: Buffer): AiProxyLogEntry | undefined {
    const { logStatistics, logPayloads } = this.subject;
    if (!logStatistics && !logPayloads) return undefined;
    const entry: AiProxyLogEntry = {};
    const promptTokens = this.usage.prompt ?? this.subject.promptEstimate?.() ?? 0;
    const completionTokens = this.usage.completion ?? (this.streaming ? this.streamedEstimate : 0);
    if (logStatistics) {
      const latency = Math.floor((this.respondedAt ?? performance.now()) - this.subject.startedAt);
      entry.meta = this.meta(latency);
      entry.usage = {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        time_per_token: completionTokens > 0 ? Math.floor(latency / completionTokens) : 0,
        cost: this.cost(promptTokens, completionTokens),
      };
    }
    if (logPayloads) {
      const response = this.streaming
        ? this.streamComposite(promptTokens, completionTokens)
        : this.responsePayload?.();
      entry.payload = { request: requestBody.toString('utf8'), ...(response !== undefined && { response }) };
    }
    return entry;
  }

  /**
   * Kong's cost, per million tokens: prompt × `input_cost` + completion × `output_cost`, 0 unless
   * both are set; for embeddings, prompt × `input_cost` (0 when it is unset).
   */
  private cost(promptTokens: number, completionTokens: number): number {
    const { input_cost, output_cost } = this.subject.options;
    if (!this.subject.generates) return input_cost ? (promptTokens * input_cost) / 1_000_000 : 0;
    return input_cost && output_cost
      ? (promptTokens * input_cost + completionTokens * output_cost) / 1_000_000
      : 0;
  }

  private meta(latency: number): NonNullable<AiProxyLogEntry['meta']> {
    const requestModel = this.subject.requestModel ?? 'UNSPECIFIED';
    const meta: NonNullable<AiProxyLogEntry['meta']> = {
      plugin_id: this.subject.pluginId,
      provider_name: this.subject.provider,
      request_model: requestModel,
      response_model: this.responseModel ?? requestModel,
      llm_latency: latency,
    };
    return this.subject.providerMeta ? { ...meta, ...this.subject.providerMeta } : meta;
  }

  /** Kong's composite answer for a stream (`normalize-sse-chunk.lua`), as JSON. */
  private streamComposite(promptTokens: number, completionTokens: number): string {
    const text = this.streamed.join('');
    return JSON.stringify({
      choices: [
        {
          finish_reason: this.finishReason,
          index: 0,
          logprobs: null,
          message: { role: 'assistant', content: text },
        },
      ],
      model: this.responseModel ?? this.subject.requestModel,
      object: 'chat.completion',
      response: text,
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    });
  }
}
