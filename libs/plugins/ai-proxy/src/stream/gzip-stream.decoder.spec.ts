import { randomBytes } from 'node:crypto';
import { constants, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GzipStreamDecoder } from './gzip-stream.decoder.js';

function decodeInPieces(gzipped: Buffer, size: number): Buffer {
  const decoder = new GzipStreamDecoder();
  const pieces: Buffer[] = [];
  for (let at = 0; at < gzipped.length; at += size)
    pieces.push(decoder.push(gzipped.subarray(at, at + size)));
  return Buffer.concat(pieces);
}

const events = Buffer.from(
  Array.from(
    { length: 400 },
    (_, i) => `data: {"choices":[{"delta":{"content":"wörd ${i % 17}"}}]}\n\n`,
  ).join(''),
);

describe('GzipStreamDecoder', () => {
  it.each([0, 1, 6, 9])('decodes a body gzipped at level %i, whatever the chunk size', (level) => {
    const gzipped = gzipSync(events, { level });
    for (const size of [1, 3, 64, 1500, gzipped.length])
      expect(decodeInPieces(gzipped, size).equals(events)).toBe(true);
  });

  it('decodes data that does not compress (stored blocks) and long back-references', () => {
    const mixed = Buffer.concat([randomBytes(40_000), events, events]);
    expect(decodeInPieces(gzipSync(mixed), 1000).equals(mixed)).toBe(true);
  });

  it('gives every byte a chunk completes at once, as a flushing upstream sends them', () => {
    const decoder = new GzipStreamDecoder();
    const first = gzipSync('data: a\n\n', { finishFlush: constants.Z_SYNC_FLUSH });
    expect(decoder.push(first).toString()).toBe('data: a\n\n');
  });

  it('decodes a body of several gzip members', () => {
    const decoder = new GzipStreamDecoder();
    expect(decoder.push(Buffer.concat([gzipSync('hello '), gzipSync('world')])).toString()).toBe(
      'hello world',
    );
  });

  it('decodes a header with a file name, comment, extra field and header CRC', () => {
    const plain = gzipSync('named');
    const extra = Buffer.from([4, 0, 1, 2, 3, 4]);
    const header = Buffer.concat([
      Buffer.from([0x1f, 0x8b, 8, 2 | 4 | 8 | 16]),
      plain.subarray(4, 10),
      extra,
      Buffer.from('f.txt\0c\0'),
      Buffer.from([0, 0]),
    ]);
    expect(new GzipStreamDecoder().push(Buffer.concat([header, plain.subarray(10)])).toString()).toBe(
      'named',
    );
  });

  it('rejects a body that is not gzip, or fails its CRC', () => {
    expect(() => new GzipStreamDecoder().push(Buffer.from('data: {}\n\n'))).toThrow('not a gzip stream');
    const gzipped = gzipSync('some text');
    gzipped[gzipped.length - 6]! ^= 0xff;
    expect(() => new GzipStreamDecoder().push(gzipped)).toThrow('gzip stream failed its CRC check');
  });
});
