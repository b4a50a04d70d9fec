import { asStringList, type MockEmbeddingsInput } from './mock-embeddings.js';
import { asJsonObject, asNumber, ProviderErrorReply, type MockInput } from './mock-provider-definition.js';

/** Mistral's error envelope for the errors its API answers itself. */
export function mistralError(message: unknown, type: string, code: string | null = null): unknown {
  return { object: 'error', message, type, param: null, code };
}

/** One of Mistral's request-validation findings (pydantic's: `extra_forbidden`, `missing`, ...). */
interface ValidationDetail {
  readonly type: string;
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly input: unknown;
}

/** Mistral's 422: the body broke its schema (a field it does not know, a missing one). */
function invalid(details: readonly ValidationDetail[]): ProviderErrorReply {
  return new ProviderErrorReply(422, mistralError({ detail: details }, 'invalid_request_error'));
}

/** The fields of `POST /v1/chat/completions`, as Mistral's API reference lists them. */
const CHAT_FIELDS = new Set([
  'model',
  'temperature',
  'top_p',
  'max_tokens',
  'stream',
  'stop',
  'random_seed',
  'metadata',
  'messages',
  'response_format',
  'tools',
  'tool_choice',
  'presence_penalty',
  'frequency_penalty',
  'n',
  'prediction',
  'parallel_tool_calls',
  'reasoning_effort',
  'prompt_mode',
  'guardrails',
  'prompt_cache_key',
  'safe_prompt',
]);

/** The fields of each message role. */
const MESSAGE_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  system: new Set(['role', 'content']),
  user: new Set(['role', 'content']),
  assistant: new Set(['role', 'content', 'tool_calls', 'prefix']),
  tool: new Set(['role', 'content', 'tool_call_id', 'name']),
};

const TOOL_CHOICES = new Set(['auto', 'none', 'any', 'required']);

/** Mistral's rule for tool-call ids, checked on every id a request carries. */
const TOOL_CALL_ID = /^[a-zA-Z0-9]{9}$/;

function extraFields(
  value: Record<string, unknown>,
  allowed: ReadonlySet<string>,
  loc: readonly (string | number)[],
) {
  return Object.keys(value)
    .filter((field) => !allowed.has(field))
    .map((field) => ({
      type: 'extra_forbidden',
      loc: [...loc, field],
      msg: 'Extra inputs are not permitted',
      input: value[field],
    }));
}

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((chunk) => asJsonObject(chunk)?.text)
    .filter((piece): piece is string => typeof piece === 'string')
    .join(' ');
}

/** The first tool-call id of the messages that breaks Mistral's rule, if any. */
function badToolCallId(messages: readonly Record<string, unknown>[]): string | undefined {
  for (const message of messages) {
    const ids = Array.isArray(message.tool_calls)
      ? message.tool_calls.map((call) => asJsonObject(call)?.id)
      : message.role === 'tool'
        ? [message.tool_call_id]
        : [];
    const bad = ids.find((id) => typeof id !== 'string' || !TOOL_CALL_ID.test(id));
    if (bad !== undefined || ids.some((id) => id === undefined)) return String(bad);
  }
  return undefined;
}

/**
 * Reads a chat body as Mistral does: 422 for a field it does not know (on the body or a message)
 * or a missing `model` / `messages`; 400 for a tool-call id that is not 9 letters and digits, and
 * for a conversation that does not end with a user or tool message (or an assistant `prefix`).
 */
export function readMistralInput(body: unknown): MockInput | ProviderErrorReply {
  const request = asJsonObject(body);
  if (request === undefined)
    return new ProviderErrorReply(400, mistralError('Invalid JSON body', 'invalid_request_error'));
  const details: ValidationDetail[] = extraFields(request, CHAT_FIELDS, ['body']);
  for (const field of ['model', 'messages'])
    if (request[field] === undefined)
      details.push({ type: 'missing', loc: ['body', field], msg: 'Field required', input: request });
  const messages = Array.isArray(request.messages)
    ? request.messages.map((message) => asJsonObject(message) ?? {})
    : [];
  messages.forEach((message, index) => {
    const role = String(message.role);
    const allowed = MESSAGE_FIELDS[role];
    if (allowed) details.push(...extraFields(message, allowed, ['body', 'messages', index, role]));
    else
      details.push({
        type: 'union_tag_invalid',
        loc: ['body', 'messages', index],
        msg: `Input tag '${role}' found using 'role' does not match any of the expected tags: 'system', 'user', 'assistant', 'tool'`,
        input: message,
      });
  });
  const choice = request.tool_choice;
  if (typeof choice === 'string' && !TOOL_CHOICES.has(choice))
    details.push({
      type: 'enum',
      loc: ['body', 'tool_choice'],
      msg: "Input should be 'auto', 'none', 'any' or 'required'",
      input: choice,
    });
  if (details.length > 0) return invalid(details);

  const badId = badToolCallId(messages);
  if (badId !== undefined)
    return new ProviderErrorReply(
      400,
      mistralError(
        `Tool call id was ${badId} but must be a-z, A-Z, 0-9, with a length of 9.`,
        'invalid_function_call',
        '3280',
      ),
    );
  const last = messages.at(-1);
  if (
    last &&
    last.role !== 'user' &&
    last.role !== 'tool' &&
    !(last.role === 'assistant' && last.prefix === true)
  )
    return new ProviderErrorReply(
      400,
      mistralError(
        `Expected last role User or Tool (or Assistant with prefix True) for serving but got ${String(last.role)}`,
        'invalid_request_message_order',
        '3230',
      ),
    );
  return {
    model: String(request.model),
    inputs: messages.map((message) => text(message.content)),
    maxTokens: asNumber(request.max_tokens),
    stream: request.stream === true,
    body: request,
  };
}

/** The fields of `POST /v1/embeddings`, as Mistral's API reference lists them. */
const EMBEDDINGS_FIELDS = new Set(['model', 'input', 'output_dimension', 'output_dtype', 'encoding_format']);

/**
 * Reads an embeddings body as Mistral does: `model` and `input` (a string or a list of strings)
 * required, no field it does not know (422, `extra_forbidden`).
 */
export function readMistralEmbeddingsInput(body: unknown): MockEmbeddingsInput | ProviderErrorReply {
  const request = asJsonObject(body);
  if (request === undefined)
    return new ProviderErrorReply(400, mistralError('Invalid JSON body', 'invalid_request_error'));
  const details: ValidationDetail[] = extraFields(request, EMBEDDINGS_FIELDS, ['body']);
  for (const field of ['model', 'input'])
    if (request[field] === undefined)
      details.push({ type: 'missing', loc: ['body', field], msg: 'Field required', input: request });
  const input = request.input;
  const texts = typeof input === 'string' ? [input] : asStringList(input);
  if (input !== undefined && !texts)
    details.push({
      type: 'string_type',
      loc: ['body', 'input'],
      msg: 'Input should be a valid string',
      input,
    });
  if (details.length > 0 || !texts) return invalid(details);
  return {
    model: String(request.model),
    texts,
    dimensions: asNumber(request.output_dimension),
    body: request,
  };
}
