import { describe, expect, it } from 'vitest';
import { everyTwoWaySplit, parseInPieces } from './frame-parser.spec-helpers.js';
import { NdjsonFrameParser } from './ndjson-frame.parser.js';

const cohereStream = Buffer.from(
  [
    '{"is_finished":false,"event_type":"stream-start","generation_id":"g-1"}',
    '{"is_finished":false,"event_type":"text-generation","text":"Ünïcode"}',
    '',
    '{"is_finished":true,"event_type":"stream-end","finish_reason":"COMPLETE"}',
    '',
  ].join('\r\n'),
);

const expected = [
  { data: '{"is_finished":false,"event_type":"stream-start","generation_id":"g-1"}' },
  { data: '{"is_finished":false,"event_type":"text-generation","text":"Ünïcode"}' },
  { data: '{"is_finished":true,"event_type":"stream-end","finish_reason":"COMPLETE"}' },
];

describe('NdjsonFrameParser', () => {
  it('gives one frame per non-blank line, CRLF tolerated', () => {
    expect(parseInPieces(new NdjsonFrameParser(), [cohereStream])).toEqual(expected);
  });

  it('stitches lines split across chunks, wherever the cut', () => {
    for (const pieces of everyTwoWaySplit(cohereStream))
      expect(parseInPieces(new NdjsonFrameParser(), pieces)).toEqual(expected);
  });

  it('hands over a last line without its newline at the end', () => {
    const parser = new NdjsonFrameParser();
    expect(parser.push(Buffer.from('{"a":1}\n{"b"'))).toEqual([{ data: '{"a":1}' }]);
    expect(parser.push(Buffer.from(':2}'))).toEqual([]);
    expect(parser.end()).toEqual([{ data: '{"b":2}' }]);
  });
});
