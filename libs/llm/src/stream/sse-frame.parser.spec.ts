import { describe, expect, it } from 'vitest';
import { byteByByte, everyTwoWaySplit, parseInPieces } from './frame-parser.spec-helpers.js';
import { SseFrameParser } from './sse-frame.parser.js';

const openAiStream = Buffer.from(
  [
    'data: {"id":"c1","choices":[{"delta":{"role":"assistant","content":""}}]}',
    '',
    'data: {"id":"c1","choices":[{"delta":{"content":"The answer — “2”."}}]}',
    '',
    ': keep-alive comment',
    '',
    'event: message_delta',
    'data: {"a":1,',
    'data: "b":2}',
    'id: 7',
    'retry: 1000',
    '',
    'data: [DONE]',
    '',
    '',
  ].join('\n'),
);

const expected = [
  { data: '{"id":"c1","choices":[{"delta":{"role":"assistant","content":""}}]}' },
  { data: '{"id":"c1","choices":[{"delta":{"content":"The answer — “2”."}}]}' },
  { event: 'message_delta', data: '{"a":1,\n"b":2}' },
  { data: '[DONE]' },
];

describe('SseFrameParser', () => {
  it('cuts a stream into events: data lines joined, event names kept, comments and other fields ignored', () => {
    expect(parseInPieces(new SseFrameParser(), [openAiStream])).toEqual(expected);
  });

  it('gives the same events wherever the body is cut in two', () => {
    for (const pieces of everyTwoWaySplit(openAiStream))
      expect(parseInPieces(new SseFrameParser(), pieces)).toEqual(expected);
  });

  it('gives the same events fed one byte at a time (UTF-8 characters split across chunks)', () => {
    expect(parseInPieces(new SseFrameParser(), byteByByte(openAiStream))).toEqual(expected);
  });

  it('tolerates CRLF and CR line endings, even with CRLF split across chunks', () => {
    const crlf = Buffer.from(openAiStream.toString().replaceAll('\n', '\r\n'));
    for (const pieces of everyTwoWaySplit(crlf))
      expect(parseInPieces(new SseFrameParser(), pieces)).toEqual(expected);
    const cr = Buffer.from(openAiStream.toString().replaceAll('\n', '\r'));
    expect(parseInPieces(new SseFrameParser(), byteByByte(cr))).toEqual(expected);
  });

  it('returns each event as soon as its blank line arrives', () => {
    const parser = new SseFrameParser();
    expect(parser.push(Buffer.from('data: {"a":'))).toEqual([]);
    expect(parser.push(Buffer.from('1}\n'))).toEqual([]);
    expect(parser.push(Buffer.from('\ndata: x'))).toEqual([{ data: '{"a":1}' }]);
  });

  it('strips one space after the colon only', () => {
    expect(parseInPieces(new SseFrameParser(), [Buffer.from('data:x\n\ndata:  y\n\n')])).toEqual([
      { data: 'x' },
      { data: ' y' },
    ]);
  });

  it('drops an event without data, and its name with it', () => {
    expect(parseInPieces(new SseFrameParser(), [Buffer.from('event: ping\n\ndata: x\n\n')])).toEqual([
      { data: 'x' },
    ]);
  });

  it('hands over the last event at the end of the body even without its blank line', () => {
    expect(parseInPieces(new SseFrameParser(), [Buffer.from('data: a\n\ndata: [DONE]')])).toEqual([
      { data: 'a' },
      { data: '[DONE]' },
    ]);
  });
});
