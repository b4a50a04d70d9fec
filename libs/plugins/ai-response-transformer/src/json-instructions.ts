import { GatewayError, type BufferedResponse } from '@switchyard/plugin-api';

/**
 * What the model's answer tells the gateway to send (Kong's `parse_json_instructions`): a JSON
 * object's `status` (default 200), `headers` laid over the upstream's, and `body` (the whole
 * object when it has none); a body that is not a string is sent as JSON.
 */
export interface ResponseInstructions {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
  /** The body is JSON the gateway wrote (said `application/json` when no header gives a content type). */
  readonly json: boolean;
}

/** Kong's message for instructions it cannot follow; the reason after it is the gateway's (or cjson's, in Kong). */
function unusable(reason: string): GatewayError {
  return new GatewayError(500, `failed to parse JSON response instructions from AI backend: ${reason}`);
}

/** RFC 9110's token: what a header name may hold. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What a header value may not hold (node refuses to send it, and it would split the head). */
const UNSAFE_VALUE = /[\r\n\0]/;

/**
 * Headers the gateway sets itself for the body it sends (its length, no encoding, no framing of
 * its own): an instruction to set them is ignored.
 */
const GATEWAY_HEADERS = new Set([
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'trailer',
  'te',
]);

function headerValue(name: string, value: unknown): string | string[] {
  const values = Array.isArray(value) ? value : [value];
  const texts = values.map((item) => {
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
      throw unusable(`header '${name}' must be a string, a number or a list of strings`);
    }
    const text = String(item);
    if (UNSAFE_VALUE.test(text)) throw unusable(`header '${name}' holds a line break or a NUL character`);
    return text;
  });
  return Array.isArray(value) ? texts : texts[0]!;
}

function headersOf(value: unknown): Record<string, string | string[]> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw unusable("'headers' must be an object");
  const headers: Record<string, string | string[]> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (!TOKEN.test(name)) throw unusable(`'${name}' is not a header name`);
    const lower = name.toLowerCase();
    if (!GATEWAY_HEADERS.has(lower)) headers[lower] = headerValue(name, raw);
  }
  return headers;
}

function statusOf(value: unknown): number {
  if (value === undefined || value === null) return 200;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599) return value;
  throw unusable(`'status' must be an integer from 100 to 599, not ${JSON.stringify(value)}`);
}

/**
 * Reads the model's answer as instructions. Throws `GatewayError` 500 with Kong's message for
 * an answer that is not JSON or not an object or list (Kong's "input not table or string"), and,
 * where Kong would fail to send the response, for a status or headers that cannot be sent.
 */
export function parseResponseInstructions(answer: string): ResponseInstructions {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer);
  } catch (error) {
    throw unusable((error as Error).message);
  }
  if (typeof parsed !== 'object' || parsed === null) throw unusable('input not table or string');
  const instructions = parsed as { status?: unknown; headers?: unknown; body?: unknown };
  const isObject = !Array.isArray(parsed);
  // Kong's `in_body.body or in_body`: a list, or an object without a body, is the body itself.
  const body =
    isObject && instructions.body !== undefined && instructions.body !== null && instructions.body !== false
      ? instructions.body
      : parsed;
  const json = typeof body !== 'string';
  return {
    status: isObject ? statusOf(instructions.status) : 200,
    headers: isObject ? headersOf(instructions.headers) : {},
    body: Buffer.from(json ? JSON.stringify(body) : (body as string)),
    json,
  };
}

/** Sends `instructions` instead of the upstream's answer: its status, its headers over the upstream's, its body. */
export function applyResponseInstructions(
  response: BufferedResponse,
  instructions: ResponseInstructions,
): void {
  response.status = instructions.status;
  Object.assign(response.headers, instructions.headers);
  // Kong's `kong.response.exit` with a table body: JSON, said so when no header (the upstream's
  // or the model's) gives a content type.
  if (instructions.json && response.headers['content-type'] === undefined)
    response.headers['content-type'] = 'application/json; charset=utf-8';
  response.body = instructions.body;
}
