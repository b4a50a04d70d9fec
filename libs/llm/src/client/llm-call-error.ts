/**
 * How a plugin's own LLM call failed:
 * - `transport`: the provider could not be reached, did not answer within the call's timeout, or
 *   answered more than the gateway reads;
 * - `status`: the provider answered with an error status;
 * - `answer`: the provider answered 200 with a body the driver cannot read.
 */
export type LlmCallFailure = 'transport' | 'status' | 'answer';

/**
 * A plugin's own LLM call (`LlmClient.complete`) failed. `message` is in Kong's words where Kong
 * has some (`request to ai service failed: request failed: timeout`, `status code 500`, the
 * driver's translation error), so that a plugin can answer as Kong's does.
 */
export class LlmCallError extends Error {
  constructor(
    readonly failure: LlmCallFailure,
    message: string,
    /** The trace's `error.type`: `timeout`, `ECONNREFUSED`, `body_too_large`, the status, `invalid_answer`. */
    readonly errorType: string,
    /** The provider's status, when it answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'LlmCallError';
  }
}
