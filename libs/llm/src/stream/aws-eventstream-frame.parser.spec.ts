import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AwsEventStreamFrameParser } from './aws-eventstream-frame.parser.js';
import { everyTwoWaySplit, parseInPieces } from './frame-parser.spec-helpers.js';

/** One AWS event stream message: string headers (type 7) plus a byte header (type 2), and the payload. */
function message(headers: Record<string, string>, payload: string): Buffer {
  const headerBytes = Buffer.concat([
    ...Object.entries(headers).map(([name, value]) => {
      const nameBytes = Buffer.from(name);
      const valueBytes = Buffer.from(value);
      const head = Buffer.alloc(1 + nameBytes.length + 3);
      head.writeUInt8(nameBytes.length, 0);
      nameBytes.copy(head, 1);
      head.writeUInt8(7, 1 + nameBytes.length);
      head.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
      return Buffer.concat([head, valueBytes]);
    }),
    Buffer.from([1, 0x78, 2, 5]), // "x": byte 5
  ]);
  const body = Buffer.from(payload);
  const total = 12 + headerBytes.length + body.length + 4;
  const prelude = Buffer.alloc(12);
  prelude.writeUInt32BE(total, 0);
  prelude.writeUInt32BE(headerBytes.length, 4);
  prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8);
  const withoutCrc = Buffer.concat([prelude, headerBytes, body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(withoutCrc));
  return Buffer.concat([withoutCrc, crc]);
}

const event = (type: string, payload: string) =>
  message({ ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' }, payload);

const bedrockStream = Buffer.concat([
  event('messageStart', '{"role":"assistant"}'),
  event('contentBlockDelta', '{"contentBlockIndex":0,"delta":{"text":"Ünïcode"}}'),
  event('metadata', '{"usage":{"inputTokens":9,"outputTokens":3}}'),
]);

const expected = [
  { event: 'messageStart', data: '{"role":"assistant"}' },
  { event: 'contentBlockDelta', data: '{"contentBlockIndex":0,"delta":{"text":"Ünïcode"}}' },
  { event: 'metadata', data: '{"usage":{"inputTokens":9,"outputTokens":3}}' },
];

describe('AwsEventStreamFrameParser', () => {
  it('gives each message as a frame named by its :event-type', () => {
    expect(parseInPieces(new AwsEventStreamFrameParser(), [bedrockStream])).toEqual(expected);
  });

  it('stitches messages split across chunks, wherever the cut', () => {
    for (const pieces of everyTwoWaySplit(bedrockStream))
      expect(parseInPieces(new AwsEventStreamFrameParser(), pieces)).toEqual(expected);
  });

  it('names an exception by its :exception-type', () => {
    const exception = message(
      { ':message-type': 'exception', ':exception-type': 'throttlingException' },
      '{"message":"slow down"}',
    );
    expect(parseInPieces(new AwsEventStreamFrameParser(), [exception])).toEqual([
      { event: 'throttlingException', data: '{"message":"slow down"}' },
    ]);
  });

  it('rejects a message that fails its CRC', () => {
    const corrupt = Buffer.from(event('messageStart', '{"role":"assistant"}'));
    corrupt[corrupt.length - 6]! ^= 0xff;
    expect(() => new AwsEventStreamFrameParser().push(corrupt)).toThrow(
      'AWS event stream message failed its CRC check',
    );
  });

  it('drops a message cut short by the end of the body', () => {
    expect(
      parseInPieces(new AwsEventStreamFrameParser(), [bedrockStream.subarray(0, bedrockStream.length - 3)]),
    ).toEqual(expected.slice(0, 2));
  });
});
