import { crc32 } from 'node:zlib';

/** The header value type of a string in AWS's event stream encoding. */
const STRING_TYPE = 7;

/**
 * One AWS event-stream message (`application/vnd.amazon.eventstream`): the prelude (total and
 * headers lengths, their CRC32), string headers, the payload and the message's CRC32.
 */
export function encodeEventStreamMessage(headers: Readonly<Record<string, string>>, payload: string): Buffer {
  const encodedHeaders = Buffer.concat(
    Object.entries(headers).map(([name, value]) => {
      const nameBytes = Buffer.from(name, 'utf8');
      const valueBytes = Buffer.from(value, 'utf8');
      const header = Buffer.alloc(1 + nameBytes.length + 3 + valueBytes.length);
      header.writeUInt8(nameBytes.length, 0);
      nameBytes.copy(header, 1);
      header.writeUInt8(STRING_TYPE, 1 + nameBytes.length);
      header.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
      valueBytes.copy(header, 4 + nameBytes.length);
      return header;
    }),
  );
  const body = Buffer.from(payload, 'utf8');
  const total = 12 + encodedHeaders.length + body.length + 4;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(encodedHeaders.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  encodedHeaders.copy(message, 12);
  body.copy(message, 12 + encodedHeaders.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}

/**
 * An exception message of a Bedrock stream (`internalServerException` by default), which the
 * AWS SDKs raise as that exception with `message`.
 */
export function eventStreamException(message: string, type = 'internalServerException'): Buffer {
  return encodeEventStreamMessage(
    { ':message-type': 'exception', ':exception-type': type, ':content-type': 'application/json' },
    JSON.stringify({ message }),
  );
}
