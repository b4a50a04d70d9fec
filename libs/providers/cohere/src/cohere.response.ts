import { TranslationError } from '@switchyard/plugin-api';
import type {
  ChatCompletion,
  ChatCompletionChoice,
  Completion,
  FinishReason,
  CompletionChoice,
  LlmResponse,
  ProviderRequest,
  TokenUsage,
  ToolCall,
  TranslatedResponse,
} from '@switchyard/plugin-api';
import { isRecord, nowInSeconds } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';
import { billedUsage, cohereAnswerId, cohereFinish } from './cohere.fields.js';
import { openAiToolCalls } from './cohere.tool-calls.js';

/** Kong's message for an answer with neither shape (pinned by Kong's cohere integration test). */
const MISSING_ANSWER = "'text' or 'generations' missing from cohere response body";

interface Envelope {
  readonly created: number;
  readonly model: string;
  readonly usage: TokenUsage | undefined;
}

type ChatMessageOut = ChatCompletionChoice['message'];

/** The text of a v2 message: its `tool_plan` when it calls tools (as Kong), else its text parts. */
function v2Content(message: JsonRecord): string | null {
  if (typeof message.tool_plan === 'string' && message.tool_plan !== '') return message.tool_plan;
  if (!Array.isArray(message.content)) return null;
  return message.content
    .flatMap((part: unknown) => (isRecord(part) && typeof part.text === 'string' ? [part.text] : []))
    .join('');
}

/**
 * The finish reason of an answer in OpenAI's words. A failed generation (`ERROR`, `USER_CANCEL`,
 * `TIMEOUT`) has no OpenAI equivalent and is no answer: it throws, and the client gets a 500 it
 * can retry rather than a partial reply dressed as a finished one.
 */
function finishReason(value: unknown, callsTools = false): FinishReason {
  const finish = cohereFinish(value, callsTools);
  if (finish.failure !== undefined) throw new TranslationError(finish.failure);
  return finish.reason;
}

/** A v1 chat answer's message: `text`, and its `tool_calls` with ids derived from the answer's. */
function v1Message(text: string, calls: unknown, id: string): ChatMessageOut {
  const toolCalls = openAiToolCalls(calls, id);
  if (toolCalls.length === 0) return { role: 'assistant', content: text };
  // OpenAI's content is null when the assistant only calls tools.
  return { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls };
}

/** `{id, message}` of a chat answer: v1 `text` (and `tool_calls`), or v2 `message` (its tool calls are OpenAI-shaped). */
function chatAnswer(body: JsonRecord): { id: string; message: ChatMessageOut } | undefined {
  const id = cohereAnswerId(body);
  if (typeof body.text === 'string') return { id, message: v1Message(body.text, body.tool_calls, id) };
  if (isRecord(body.message)) {
    const message: ChatMessageOut = { role: 'assistant', content: v2Content(body.message) };
    if (Array.isArray(body.message.tool_calls) && body.message.tool_calls.length > 0) {
      message.tool_calls = body.message.tool_calls as ToolCall[];
    }
    return { id, message };
  }
  return undefined;
}

function chatCompletion(body: JsonRecord, envelope: Envelope): ChatCompletion {
  const answer = chatAnswer(body);
  if (!answer) throw new TranslationError(MISSING_ANSWER);
  const finish_reason = finishReason(body.finish_reason, answer.message.tool_calls !== undefined);
  const completion: ChatCompletion = {
    id: answer.id,
    object: 'chat.completion',
    created: envelope.created,
    model: envelope.model,
    choices: [{ index: 0, message: answer.message, finish_reason }],
  };
  if (envelope.usage) completion.usage = envelope.usage;
  return completion;
}

/** Choices of a completions answer: `/v1/generate`'s `generations`, or a v1 chat `text`. */
function completionAnswer(body: JsonRecord): { id: string; choices: CompletionChoice[] } | undefined {
  if (Array.isArray(body.generations)) {
    const choices = body.generations.map((generation: unknown, index): CompletionChoice => {
      const { text, finish_reason } = isRecord(generation) ? generation : {};
      return {
        index,
        text: typeof text === 'string' ? text : '',
        finish_reason: finishReason(finish_reason),
      };
    });
    return { id: cohereAnswerId(body), choices };
  }
  if (typeof body.text === 'string') {
    const choice = { index: 0, text: body.text, finish_reason: finishReason(body.finish_reason) };
    return { id: cohereAnswerId(body), choices: [choice] };
  }
  return undefined;
}

function textCompletion(body: JsonRecord, envelope: Envelope): Completion {
  const answer = completionAnswer(body);
  if (!answer) throw new TranslationError(MISSING_ANSWER);
  const completion: Completion = {
    id: answer.id,
    object: 'text_completion',
    created: envelope.created,
    model: envelope.model,
    choices: answer.choices,
  };
  if (envelope.usage) completion.usage = envelope.usage;
  return completion;
}

/** What every Cohere answer shares: `model` is the resolved model name, `created` is now, usage from `billed_units`. */
function envelopeOf(body: JsonRecord, request: ProviderRequest): Envelope {
  return {
    created: nowInSeconds(),
    model: request.model.name,
    usage: billedUsage(body.meta) ?? billedUsage(body.usage),
  };
}

/** The translated answer with what the gateway reads of it. */
function translated(response: LlmResponse): TranslatedResponse {
  return {
    body: response,
    usage: response.usage,
    model: response.model,
    id: response.id,
    finishReasons: response.choices.flatMap((choice) => (choice.finish_reason ? [choice.finish_reason] : [])),
  };
}

/**
 * A Cohere chat answer (v1 `text` and `tool_calls`, or v2 `message`) as an OpenAI
 * `chat.completion`. Throws `TranslationError` with Kong's message for a body that is no chat
 * answer, and for a failed generation.
 */
export function translateCohereChatResponse(body: unknown, request: ProviderRequest): TranslatedResponse {
  if (!isRecord(body)) throw new TranslationError(MISSING_ANSWER);
  return translated(chatCompletion(body, envelopeOf(body, request)));
}

/**
 * A Cohere generate answer (or a v1 chat `text`) as an OpenAI `text_completion`. Throws
 * `TranslationError` with Kong's message for a body that is neither, and for a failed generation.
 */
export function translateCohereGenerateResponse(body: unknown, request: ProviderRequest): TranslatedResponse {
  if (!isRecord(body)) throw new TranslationError(MISSING_ANSWER);
  return translated(textCompletion(body, envelopeOf(body, request)));
}
