import { TranslationError } from '@switchyard/plugin-api';
import type {
  Completion,
  FinishReason,
  ProviderRequest,
  TokenUsage,
  TranslatedResponse,
} from '@switchyard/plugin-api';
import { isRecord, nowInSeconds, readOpenAiUsage } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';
import { apiErrorMessage, openAiFinishReason } from './huggingface.fields.js';

/**
 * A tool call whose `arguments` are a JSON document, as TGI before 3.0 answered, with them as
 * OpenAI's JSON text; the same object when they are text already.
 */
function withTextArguments(call: unknown): unknown {
  if (!isRecord(call) || !isRecord(call.function)) return call;
  const { arguments: args } = call.function;
  if (typeof args === 'string') return call;
  return { ...call, function: { ...call.function, arguments: JSON.stringify(args ?? {}) } };
}

/** A chat choice in OpenAI's words (finish reason, tool-call arguments); the same object if it is already. */
function openAiChoice(choice: unknown): unknown {
  if (!isRecord(choice)) return choice;
  const message = isRecord(choice.message) ? choice.message : undefined;
  const calls = Array.isArray(message?.tool_calls) ? message.tool_calls : undefined;
  const reason = openAiFinishReason(choice.finish_reason, calls !== undefined && calls.length > 0);
  const fixedCalls = calls?.map(withTextArguments);
  const callsChanged = fixedCalls !== undefined && fixedCalls.some((call, index) => call !== calls![index]);
  if (!callsChanged && (reason === undefined || reason === choice.finish_reason)) return choice;
  return {
    ...choice,
    ...(callsChanged && { message: { ...message, tool_calls: fixedCalls } }),
    ...(reason !== undefined && { finish_reason: reason }),
  };
}

/**
 * An answer of the OpenAI-compatible chat route, passed through as is (the same object, so its
 * bytes go to the client unchanged) when it is OpenAI's already; TGI's own finish reasons
 * (`eos_token`, `stop_sequence`; `tool_calls` for an answer that calls tools) and JSON-document
 * tool-call arguments are put in OpenAI's words first. Throws `TranslationError` for a body
 * without `choices` (Kong's "API error: ..." when it is Hugging Face's error).
 */
export function translateHuggingfaceChatResponse(
  body: unknown,
  request: ProviderRequest,
): TranslatedResponse {
  if (!isRecord(body) || !Array.isArray(body.choices))
    throw new TranslationError(apiErrorMessage(body) ?? `'choices' not in ${request.routeType} response`);
  const choices = body.choices.map(openAiChoice);
  const changed = choices.some((choice, index) => choice !== (body.choices as unknown[])[index]);
  const finishReasons = choices.flatMap((choice) =>
    isRecord(choice) && typeof choice.finish_reason === 'string'
      ? [choice.finish_reason as FinishReason]
      : [],
  );
  return {
    body: changed ? { ...body, choices } : body,
    usage: readOpenAiUsage(body.usage),
    ...(typeof body.model === 'string' && body.model !== '' && { model: body.model }),
    ...(typeof body.id === 'string' && body.id !== '' && { id: body.id }),
    finishReasons,
  };
}

/** The one generation of a text-generation answer: the classic API's `[{...}]`, or TGI's `/generate` object. */
function generationOf(body: unknown): JsonRecord | undefined {
  const generation = Array.isArray(body) ? body[0] : body;
  return isRecord(generation) && typeof generation.generated_text === 'string' ? generation : undefined;
}

/**
 * A text-generation answer (`[{"generated_text", "details"}]`) as an OpenAI `text_completion`:
 * the finish reason from `details` (`stop` without them), and the generated token count as the
 * completion's usage. Hugging Face reports no prompt count there: the gateway estimates it (as
 * Kong does), and the client's body carries no `usage`. Throws `TranslationError` for a body
 * without `generated_text` (Kong's "API error: ..." when it is Hugging Face's error).
 */
export function translateHuggingfaceGenerateResponse(
  body: unknown,
  request: ProviderRequest,
): TranslatedResponse {
  const generation = generationOf(body);
  if (!generation)
    throw new TranslationError(
      apiErrorMessage(body) ?? `'generated_text' not in ${request.routeType} response`,
    );
  const details = isRecord(generation.details) ? generation.details : {};
  const finishReason = openAiFinishReason(details.finish_reason) ?? 'stop';
  const completion: Completion = {
    id: '',
    object: 'text_completion',
    created: nowInSeconds(),
    model: request.model.name,
    choices: [
      { index: 0, text: generation.generated_text as string, logprobs: null, finish_reason: finishReason },
    ],
  };
  const usage: Partial<TokenUsage> | undefined =
    typeof details.generated_tokens === 'number'
      ? { completion_tokens: details.generated_tokens }
      : undefined;
  return {
    body: completion,
    model: completion.model,
    finishReasons: [finishReason],
    ...(usage && { usage }),
  };
}
