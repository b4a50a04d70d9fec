import { describe, expect, it } from 'vitest';
import { splitFixtureFrames, splitNdjsonFrames, splitSseFrames } from './fixture-frames.js';

describe('splitSseFrames', () => {
  it('cuts events at blank lines and joins multi-line data', () => {
    const text = 'event: message_start\ndata: {"a":1}\n\ndata: line one\ndata: line two\n\ndata: [DONE]\n\n';
    expect(splitSseFrames(text)).toEqual([
      { event: 'message_start', data: '{"a":1}' },
      { data: 'line one\nline two' },
      { data: '[DONE]' },
    ]);
  });

  it('reads CRLF streams, drops comments and events without data', () => {
    const text = ': keep-alive\r\n\r\nevent: ping\r\n\r\nid: 7\r\ndata:{"b":2}\r\n\r\n';
    expect(splitSseFrames(text)).toEqual([{ data: '{"b":2}' }]);
  });
});

describe('splitNdjsonFrames', () => {
  it('gives one frame per non-blank line', () => {
    expect(splitNdjsonFrames('{"a":1}\n\n{"b":2}\r\n')).toEqual([{ data: '{"a":1}' }, { data: '{"b":2}' }]);
  });
});

describe('splitFixtureFrames', () => {
  it('refuses a framing it has no splitter for', () => {
    expect(() => splitFixtureFrames('', 'aws-eventstream')).toThrow(
      "no fixture frame splitter for 'aws-eventstream' streams",
    );
  });
});
