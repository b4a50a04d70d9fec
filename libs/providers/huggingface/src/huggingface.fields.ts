import type { FinishReason, ModelOptions } from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';

/**
 * Hugging Face's finish reasons in OpenAI's words. Text generation (TGI) says `length`,
 * `eos_token` (the model ended its answer) or `stop_sequence`; its chat route said the same
 * before TGI 2.2 and OpenAI's words since, as the router's providers do.
 */
const OPENAI_FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  eos_token: 'stop',
  stop_sequence: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  function_call: 'function_call',
};

/**
 * A Hugging Face finish reason in OpenAI's words; `undefined` when there is none. A reason this
 * gateway does not know is `stop`: Hugging Face reports failures as error bodies and events,
 * never as finish reasons. TGI ends an answer that calls tools as any other (`eos_token`, or
 * `stop`): with `callsTools`, that is `tool_calls`, which is what OpenAI clients run the tools on.
 */
export function openAiFinishReason(value: unknown, callsTools = false): FinishReason | undefined {
  if (typeof value !== 'string') return undefined;
  const reason = Object.hasOwn(OPENAI_FINISH_REASONS, value) ? OPENAI_FINISH_REASONS[value]! : 'stop';
  return callsTools && reason === 'stop' ? 'tool_calls' : reason;
}

/** `model.options.huggingface`, as sent: Kong sends both flags, `false` when not configured. */
export interface HuggingfaceFlags {
  /** Let the Inference API answer from its cache (its own default is `true`; Kong's is `false`). */
  readonly use_cache: boolean;
  /** Wait for a model that is still loading instead of answering 503. */
  readonly wait_for_model: boolean;
}

/** The flags of a request's options, `false` where the config leaves them out (Kong's defaults). */
export function huggingfaceFlags(options: ModelOptions): HuggingfaceFlags {
  return {
    use_cache: options.huggingface?.use_cache ?? false,
    wait_for_model: options.huggingface?.wait_for_model ?? false,
  };
}

/** The flags as the current Inference API reads them: the `x-use-cache` and `x-wait-for-model` headers. */
export function flagHeaders(flags: HuggingfaceFlags): Record<string, string> {
  return { 'x-use-cache': String(flags.use_cache), 'x-wait-for-model': String(flags.wait_for_model) };
}

/**
 * Kong's message for a 200 body that is Hugging Face's error (`{"error": ...}`, or `message`), or
 * `undefined` when the body is no error. TGI lists validation errors as an array.
 */
export function apiErrorMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const error = body.error ?? body.message;
  if (typeof error === 'string' && error !== '') return `API error: ${error}`;
  if (Array.isArray(error) && error.length > 0) return `API error: ${error.join('; ')}`;
  return undefined;
}
