import { randomUUID } from 'node:crypto';
import type { FinishReason, TokenUsage, TranslatedResponse } from '@switchyard/plugin-api';
import { firstChatChoiceOf } from './client-api-adapters.js';
import { isRecord } from './json-shapes.js';
import { nowInSeconds } from './stream-chunks.js';
import { responsesOutcomeOf, responsesUsageOf } from './responses.usage.js';

/** An id in the Responses API's style (`resp_…`, `msg_…`, `fc_…`), for what the provider does not name. */
export function responsesId(prefix: 'resp' | 'msg' | 'fc'): string {
  return `${prefix}_${randomUUID().replaceAll('-', '')}`;
}

/** A function call of the answer, as the output item carries it. */
export interface ResponsesFunctionCall {
  readonly call_id: string;
  readonly name: string;
  readonly arguments: string;
}

type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** A `message` output item with its one `output_text` part (none yet while it is in progress and empty). */
export function messageItem(
  id: string,
  text: string | undefined,
  status: ItemStatus,
): Record<string, unknown> {
  return {
    id,
    type: 'message',
    status,
    role: 'assistant',
    content: text === undefined ? [] : [outputTextPart(text)],
  };
}

/** An `output_text` content part. */
export function outputTextPart(text: string): Record<string, unknown> {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/** A `function_call` output item. */
export function functionCallItem(
  id: string,
  call: ResponsesFunctionCall,
  status: ItemStatus,
): Record<string, unknown> {
  return {
    id,
    type: 'function_call',
    status,
    call_id: call.call_id,
    name: call.name,
    arguments: call.arguments,
  };
}

/** What a response object says, as the whole answer and the stream's lifecycle events carry it. */
export interface ResponseObjectFields {
  readonly id: string;
  readonly createdAt: number;
  readonly model: string;
  readonly output: readonly unknown[];
  /** `undefined` while the response is in progress. */
  readonly finish?: FinishReason | null;
  readonly usage?: Partial<TokenUsage>;
  readonly done: boolean;
}

/**
 * A Responses API `response` object: in progress (no usage yet) or finished, its `status` and
 * `incomplete_details` from chat's finish reason. Request echoes (tools, instructions, sampling)
 * are left out: the pivot does not know how the provider applied them.
 */
export function responseObject(fields: ResponseObjectFields): Record<string, unknown> {
  const outcome = fields.done
    ? responsesOutcomeOf(fields.finish)
    : { status: 'in_progress', incomplete_details: null };
  return {
    id: fields.id,
    object: 'response',
    created_at: fields.createdAt,
    status: outcome.status,
    error: null,
    incomplete_details: outcome.incomplete_details,
    model: fields.model,
    output: fields.output,
    parallel_tool_calls: true,
    previous_response_id: null,
    store: false,
    usage: fields.done ? responsesUsageOf(fields.usage) : null,
  };
}

/** A chat answer's first choice as output items: its text as a message, then its tool calls. */
function outputItems(message: Readonly<Record<string, unknown>>): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  if (typeof message.content === 'string' && message.content !== '')
    items.push(messageItem(responsesId('msg'), message.content, 'completed'));
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  for (const call of calls) {
    if (!isRecord(call) || !isRecord(call.function)) continue;
    const callId = typeof call.id === 'string' && call.id !== '' ? call.id : responsesId('fc');
    items.push(
      functionCallItem(
        responsesId('fc'),
        {
          call_id: callId,
          name: typeof call.function.name === 'string' ? call.function.name : '',
          arguments: typeof call.function.arguments === 'string' ? call.function.arguments : '',
        },
        'completed',
      ),
    );
  }
  return items;
}

/**
 * A whole OpenAI chat answer as a Responses API `response`: the first choice's text and tool
 * calls as output items, its finish reason as `status`, the usage in the Responses API's words.
 * The summary (usage, model, id, finish reasons) stays the chat side's, so analytics count the
 * same whatever the client's API.
 */
export function responseFromOpenAiChat(answer: TranslatedResponse, model: string): TranslatedResponse {
  const { body, message, finish } = firstChatChoiceOf(answer);
  return {
    ...answer,
    body: responseObject({
      id: responsesId('resp'),
      createdAt: typeof body.created === 'number' ? body.created : nowInSeconds(),
      model: answer.model ?? model,
      output: outputItems(message),
      finish,
      usage: answer.usage,
      done: true,
    }),
  };
}

/** OpenAI's error `type` for an HTTP status. */
function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

/** OpenAI's error body, `{"error":{"message","type","param","code"}}`, which its SDKs raise. */
export function openAiErrorBody(status: number, message: string): Readonly<Record<string, unknown>> {
  return { error: { message, type: errorType(status), param: null, code: null } };
}
