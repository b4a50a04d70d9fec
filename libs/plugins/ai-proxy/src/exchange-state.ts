import type { ProviderRequest, UpstreamCallTrace } from '@switchyard/plugin-api';
import type { RequestAnalytics } from './analytics.js';

/** A request translated for the provider (`llm/v1/chat`, `llm/v1/completions`). */
export interface TranslatedExchange {
  readonly kind: 'translated';
  readonly request: ProviderRequest;
  readonly clientAcceptsGzip: boolean;
  /** The `X-Kong-LLM-Model` value, when the header is sent. */
  readonly modelHeader: string | undefined;
  readonly analytics: RequestAnalytics | undefined;
  /** The upstream call's trace annotations, when the request is traced. */
  readonly trace: UpstreamCallTrace | undefined;
}

/** A `preserve` request: proxied as is, its answer passed through as it comes. */
export interface PreservedExchange {
  readonly kind: 'preserved';
  readonly modelHeader: string | undefined;
  readonly analytics: RequestAnalytics | undefined;
  /**
   * The answer as it went by, kept only for the analytics log, up to `limit` bytes (past it,
   * `overflowed` and the chunks dropped: the answer is not read for analytics).
   */
  recorded?: {
    readonly chunks: Buffer[];
    readonly headers: Readonly<Record<string, string | string[]>>;
    readonly limit: number;
    overflowed: boolean;
  };
}

/** What the response and log phases of one request need from its `access` phase. */
export type ExchangeState = TranslatedExchange | PreservedExchange;
