import { crc32 } from 'node:zlib';
import type { StreamFrame } from '@switchyard/plugin-api';
import type { FrameParser } from './frame-parser.js';

/** Prelude (total length, headers length, prelude CRC) and trailing message CRC, in bytes. */
const PRELUDE_LENGTH = 12;
const MESSAGE_CRC_LENGTH = 4;

/** Bytes taken by a header value of each type that has a fixed size (AWS event stream encoding). */
const FIXED_VALUE_LENGTH: Readonly<Record<number, number>> = {
  0: 0,
  1: 0,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  8: 8,
  9: 16,
};
const BYTE_ARRAY = 6;
const STRING = 7;

/** The string headers of one message. */
function readHeaders(headers: Buffer): Map<string, string> {
  const strings = new Map<string, string>();
  let offset = 0;
  while (offset < headers.length) {
    const nameLength = headers.readUInt8(offset);
    const name = headers.toString('utf8', offset + 1, offset + 1 + nameLength);
    const type = headers.readUInt8(offset + 1 + nameLength);
    offset += 2 + nameLength;
    if (type === STRING || type === BYTE_ARRAY) {
      const length = headers.readUInt16BE(offset);
      if (type === STRING) strings.set(name, headers.toString('utf8', offset + 2, offset + 2 + length));
      offset += 2 + length;
    } else {
      const length = FIXED_VALUE_LENGTH[type];
      if (length === undefined) throw new Error(`unknown AWS event stream header type ${type}`);
      offset += length;
    }
  }
  if (offset !== headers.length) throw new Error('malformed AWS event stream headers');
  return strings;
}

/**
 * AWS's binary event stream (`application/vnd.amazon.eventstream`, Bedrock's `converse-stream`):
 * each message is one frame whose `event` is its `:event-type` header (`:exception-type` for an
 * exception) and whose `data` is its payload, as text. Both CRCs are checked. Messages split
 * across chunks are stitched; only the unfinished message is held.
 */
export class AwsEventStreamFrameParser implements FrameParser {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): StreamFrame[] {
    let buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: StreamFrame[] = [];
    while (buffer.length >= PRELUDE_LENGTH) {
      const totalLength = buffer.readUInt32BE(0);
      if (totalLength < PRELUDE_LENGTH + MESSAGE_CRC_LENGTH)
        throw new Error('malformed AWS event stream message');
      if (buffer.length < totalLength) break;
      frames.push(this.message(buffer.subarray(0, totalLength)));
      buffer = buffer.subarray(totalLength);
    }
    // Copied, so that the chunk it came from is not kept alive by a few bytes.
    this.pending = Buffer.from(buffer);
    return frames;
  }

  // A message cut short at the end of the body cannot be read.
  end(): StreamFrame[] {
    this.pending = Buffer.alloc(0);
    return [];
  }

  private message(message: Buffer): StreamFrame {
    const headersLength = message.readUInt32BE(4);
    if (crc32(message.subarray(0, 8)) !== message.readUInt32BE(8)) {
      throw new Error('AWS event stream prelude failed its CRC check');
    }
    const crcAt = message.length - MESSAGE_CRC_LENGTH;
    if (crc32(message.subarray(0, crcAt)) !== message.readUInt32BE(crcAt)) {
      throw new Error('AWS event stream message failed its CRC check');
    }
    const payloadAt = PRELUDE_LENGTH + headersLength;
    if (payloadAt > crcAt) throw new Error('malformed AWS event stream message');
    const headers = readHeaders(message.subarray(PRELUDE_LENGTH, payloadAt));
    const data = message.toString('utf8', payloadAt, crcAt);
    const event = headers.get(
      headers.get(':message-type') === 'exception' ? ':exception-type' : ':event-type',
    );
    return event === undefined ? { data } : { event, data };
  }
}
