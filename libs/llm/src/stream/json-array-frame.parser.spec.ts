import { describe, expect, it } from 'vitest';
import { byteByByte, everyTwoWaySplit, parseInPieces } from './frame-parser.spec-helpers.js';
import { JsonArrayFrameParser } from './json-array-frame.parser.js';

const first =
  '{"candidates": [{"content": {"parts": [{"text": "The [answer] is \\"2\\", {really}."}],"role": "model"}}]}';
const second =
  '{"candidates": [{"content": {"parts": [{"text": "Ünïcode"}]},"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": 9}}';
// Gemini's `streamGenerateContent` body, as it arrives: elements separated by `\n,\r\n`.
const geminiStream = Buffer.from(`[${first}\n,\r\n${second}\n]`);
const expected = [{ data: first }, { data: second }, { data: '[DONE]' }];

describe('JsonArrayFrameParser', () => {
  it('gives each array element as a frame, then [DONE] at the closing bracket', () => {
    expect(parseInPieces(new JsonArrayFrameParser(), [geminiStream])).toEqual(expected);
  });

  it('gives the same frames wherever the body is cut in two (Kong json_array_iterator splits)', () => {
    for (const pieces of everyTwoWaySplit(geminiStream))
      expect(parseInPieces(new JsonArrayFrameParser(), pieces)).toEqual(expected);
  });

  it('gives the same frames fed one byte at a time', () => {
    expect(parseInPieces(new JsonArrayFrameParser(), byteByByte(geminiStream))).toEqual(expected);
  });

  it('returns an element as soon as it is complete', () => {
    const parser = new JsonArrayFrameParser();
    expect(parser.push(Buffer.from('[{"a":"}'))).toEqual([]);
    expect(parser.push(Buffer.from('"}\n,{"b":'))).toEqual([{ data: '{"a":"}"}' }]);
    expect(parser.push(Buffer.from('2}]'))).toEqual([{ data: '{"b":2}' }, { data: '[DONE]' }]);
  });

  it('ignores anything after the closing bracket', () => {
    expect(parseInPieces(new JsonArrayFrameParser(), [Buffer.from('[{"a":1}]\n{"b":2}')])).toEqual([
      { data: '{"a":1}' },
      { data: '[DONE]' },
    ]);
  });

  it('reads scalar elements and nested arrays', () => {
    expect(parseInPieces(new JsonArrayFrameParser(), [Buffer.from('[1, "x]", [2,[3]], true]')])).toEqual([
      { data: '1' },
      { data: '"x]"' },
      { data: '[2,[3]]' },
      { data: 'true' },
      { data: '[DONE]' },
    ]);
  });

  it('reads a body that is not an array as a sequence of values, without [DONE]', () => {
    expect(parseInPieces(new JsonArrayFrameParser(), [Buffer.from('{"a":1}\n{"b":2}')])).toEqual([
      { data: '{"a":1}' },
      { data: '{"b":2}' },
    ]);
  });

  it('drops an element cut short by the end of the body', () => {
    expect(parseInPieces(new JsonArrayFrameParser(), [Buffer.from('[{"a":1},{"b":')])).toEqual([
      { data: '{"a":1}' },
    ]);
  });
});
