import type { StreamFrame } from '@switchyard/plugin-api';
import type { FrameParser } from './frame-parser.js';

/** Runs a whole body through a new parser in the given pieces, `end()` included. */
export function parseInPieces(parser: FrameParser, pieces: readonly Buffer[]): StreamFrame[] {
  return [...pieces.flatMap((piece) => parser.push(piece)), ...parser.end()];
}

/** The body cut in two at every byte position (each element: the two pieces). */
export function everyTwoWaySplit(body: Buffer): Buffer[][] {
  return Array.from({ length: body.length + 1 }, (_, at) => [body.subarray(0, at), body.subarray(at)]);
}

/** The body cut into one-byte pieces. */
export function byteByByte(body: Buffer): Buffer[] {
  return Array.from(body, (_, at) => body.subarray(at, at + 1));
}
