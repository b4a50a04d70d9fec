import type { ProviderId } from './ids.js';

/**
 * What one LLM answer used, as the LLM core knows it when read: the counts the provider
 * reported, else Kong's estimates (a stream the client left early is counted from the text it
 * was sent). Read in the `log` phase, after the answer is complete or the client went away.
 */
export interface LlmUsage {
  /** The provider the request went to. */
  readonly provider: ProviderId;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /**
   * prompt × `input_cost` + completion × `output_cost`, per million tokens, in the currency of
   * the model's options; 0 when they are unset.
   */
  readonly cost: number;
  /** The provider reported both counts; false when one is an estimate. */
  readonly reported: boolean;
}
