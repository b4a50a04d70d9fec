import { GatewayError, type BufferedResponse } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { applyResponseInstructions, parseResponseInstructions } from './json-instructions.js';

const XML = '<persons>\n  <person>\n    <name>Kong A</name>\n    <age>62</age>\n  </person>\n</persons>';

function failure(answer: string): [number, string] {
  try {
    parseResponseInstructions(answer);
  } catch (error) {
    if (error instanceof GatewayError) return [error.status, error.message];
    throw error;
  }
  throw new Error('expected a GatewayError');
}

function applied(answer: string, upstream: Partial<BufferedResponse> = {}): BufferedResponse {
  const response: BufferedResponse = {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-upstream': 'kept' },
    body: Buffer.from('{"persons":[]}'),
    ...upstream,
  };
  applyResponseInstructions(response, parseResponseInstructions(answer));
  return response;
}

describe('parseResponseInstructions and applyResponseInstructions', () => {
  it("sends Kong's fixture as it says: status 209, an XML content type over the upstream's, the XML body", () => {
    const response = applied(
      JSON.stringify({ status: 209, headers: { 'Content-Type': 'application/xml' }, body: XML }),
    );

    expect(response.status).toBe(209);
    expect(response.headers).toEqual({ 'content-type': 'application/xml', 'x-upstream': 'kept' });
    expect(response.body.toString()).toBe(XML);
  });

  it('defaults to status 200 and the upstream headers, and sends a body that is no string as JSON', () => {
    const response = applied(JSON.stringify({ body: { persons: [{ age: 62 }] } }), { status: 404 });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body.toString())).toEqual({ persons: [{ age: 62 }] });
  });

  it("takes an object without a body, or a list, as the body itself (Kong's `in_body.body or in_body`)", () => {
    expect(JSON.parse(applied('{"persons": [1, 2]}').body.toString())).toEqual({ persons: [1, 2] });
    expect(JSON.parse(applied('[1, 2]').body.toString())).toEqual([1, 2]);
  });

  it('says application/json for a JSON body when no header gives a content type', () => {
    const response = applied('{"body": {"ok": true}}', { headers: {} });
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('ignores headers the gateway sets itself for the body it sends', () => {
    const response = applied(
      JSON.stringify({
        headers: { 'Content-Length': '999', 'Transfer-Encoding': 'chunked', 'X-Kept': 1 },
        body: 'x',
      }),
    );
    expect(response.headers).toEqual({
      'content-type': 'application/json',
      'x-upstream': 'kept',
      'x-kept': '1',
    });
  });

  it("answers Kong's 500 for an answer that is not JSON, or not an object or list", () => {
    const [status, message] = failure('Sure! Here is your response: {"status": 209}');
    expect(status).toBe(500);
    // JavaScript's words for the JSON error, where Kong has cjson's.
    expect(message).toMatch(
      /^failed to parse JSON response instructions from AI backend: Unexpected token 'S'/,
    );
    expect(failure('"just a string"')).toEqual([
      500,
      'failed to parse JSON response instructions from AI backend: input not table or string',
    ]);
  });

  it('answers 500 for a status or headers no response can carry, instead of breaking the answer', () => {
    const prefix = 'failed to parse JSON response instructions from AI backend: ';
    expect(failure('{"status": "209"}')).toEqual([
      500,
      `${prefix}'status' must be an integer from 100 to 599, not "209"`,
    ]);
    expect(failure('{"status": 99}')).toEqual([
      500,
      `${prefix}'status' must be an integer from 100 to 599, not 99`,
    ]);
    expect(failure('{"headers": ["x"]}')).toEqual([500, `${prefix}'headers' must be an object`]);
    expect(failure('{"headers": {"bad name": "x"}}')).toEqual([
      500,
      `${prefix}'bad name' is not a header name`,
    ]);
    expect(failure('{"headers": {"x-a": "1\\r\\nset-cookie: y"}}')).toEqual([
      500,
      `${prefix}header 'x-a' holds a line break or a NUL character`,
    ]);
    expect(failure('{"headers": {"x-a": {"y": 1}}}')).toEqual([
      500,
      `${prefix}header 'x-a' must be a string, a number or a list of strings`,
    ]);
  });
});
