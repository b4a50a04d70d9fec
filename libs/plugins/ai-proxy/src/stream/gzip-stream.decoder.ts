import { crc32 } from 'node:zlib';

/**
 * Gunzips a streamed body chunk by chunk, synchronously: each chunk gives back at once all the
 * bytes it completes. Node's zlib streams are asynchronous and its sync calls cannot resume
 * across chunks, while a `StreamTransformer` must answer each chunk synchronously; hence this
 * small inflater (RFC 1951 inside RFC 1952 members, CRC and size checked). Its state is one
 * 32 KiB window plus the bits of the chunk at hand; nothing else is kept.
 */
export class GzipStreamDecoder {
  private input: Buffer = Buffer.alloc(0);
  private position = 0;
  private bitBuffer = 0;
  private bitCount = 0;
  private readonly window = new Uint8Array(WINDOW_SIZE);
  private windowEnd = 0;
  private output = Buffer.allocUnsafe(1024);
  private outputLength = 0;
  /** How much of `output` is already in `memberCrc`. */
  private checksummed = 0;
  private memberCrc = 0;
  private memberSize = 0;
  private readonly steps = this.members();

  constructor() {
    this.steps.next();
  }

  /** Decodes one chunk: the bytes it completes (possibly none). Throws on a corrupt stream. */
  push(chunk: Buffer): Buffer {
    this.input = chunk;
    this.position = 0;
    this.outputLength = 0;
    this.checksummed = 0;
    this.steps.next();
    this.updateCrc();
    return Buffer.from(this.output.subarray(0, this.outputLength));
  }

  /** Gzip members, one after another, until the input ends. Yields whenever it needs input. */
  private *members(): Generator<void, void, void> {
    for (;;) {
      yield* this.header();
      this.memberCrc = 0;
      this.memberSize = 0;
      yield* this.inflate();
      yield* this.trailer();
    }
  }

  private *header(): Generator<void, void, void> {
    const [id1, id2, method, flags] = [
      yield* this.byte(),
      yield* this.byte(),
      yield* this.byte(),
      yield* this.byte(),
    ];
    if (id1 !== 0x1f || id2 !== 0x8b) throw new Error('not a gzip stream');
    if (method !== 8) throw new Error(`unsupported gzip compression method ${method}`);
    yield* this.skip(6); // mtime, extra flags, operating system
    if (flags & FEXTRA) yield* this.skip((yield* this.byte()) | ((yield* this.byte()) << 8));
    if (flags & FNAME) while ((yield* this.byte()) !== 0);
    if (flags & FCOMMENT) while ((yield* this.byte()) !== 0);
    if (flags & FHCRC) yield* this.skip(2);
  }

  private *trailer(): Generator<void, void, void> {
    this.updateCrc();
    const crc = yield* this.uint32();
    const size = yield* this.uint32();
    if (crc !== this.memberCrc >>> 0) throw new Error('gzip stream failed its CRC check');
    if (size !== this.memberSize % 2 ** 32) throw new Error('gzip stream has the wrong length');
  }

  private *inflate(): Generator<void, void, void> {
    let last = 0;
    while (!last) {
      last = yield* this.bits(1);
      const type = yield* this.bits(2);
      if (type === 0) yield* this.storedBlock();
      else if (type === 1) yield* this.huffmanBlock(FIXED_LITERALS, FIXED_DISTANCES);
      else if (type === 2) {
        const [literals, distances] = yield* this.dynamicTables();
        yield* this.huffmanBlock(literals, distances);
      } else throw new Error('invalid deflate block type');
    }
    this.alignToByte();
  }

  private *storedBlock(): Generator<void, void, void> {
    this.alignToByte();
    const length = (yield* this.byte()) | ((yield* this.byte()) << 8);
    const complement = (yield* this.byte()) | ((yield* this.byte()) << 8);
    if ((length ^ 0xffff) !== complement) throw new Error('invalid stored deflate block');
    for (let i = 0; i < length; i++) this.emit(yield* this.byte());
  }

  private *huffmanBlock(literals: HuffmanTable, distances: HuffmanTable): Generator<void, void, void> {
    for (;;) {
      const symbol = yield* this.symbol(literals);
      if (symbol < 256) this.emit(symbol);
      else if (symbol === 256) return;
      else {
        const lengthCode = symbol - 257;
        if (lengthCode >= LENGTH_BASE.length) throw new Error('invalid deflate length code');
        const length = LENGTH_BASE[lengthCode]! + (yield* this.bits(LENGTH_EXTRA[lengthCode]!));
        const distanceCode = yield* this.symbol(distances);
        if (distanceCode >= DISTANCE_BASE.length) throw new Error('invalid deflate distance code');
        const distance = DISTANCE_BASE[distanceCode]! + (yield* this.bits(DISTANCE_EXTRA[distanceCode]!));
        if (distance > this.memberSize) throw new Error('deflate distance reaches before the stream start');
        for (let i = 0; i < length; i++) this.emit(this.window[(this.windowEnd - distance) & WINDOW_MASK]!);
      }
    }
  }

  private *dynamicTables(): Generator<void, [HuffmanTable, HuffmanTable], void> {
    const literalCount = (yield* this.bits(5)) + 257;
    const distanceCount = (yield* this.bits(5)) + 1;
    const codeLengthCount = (yield* this.bits(4)) + 4;
    const codeLengthLengths = new Uint8Array(19);
    for (let i = 0; i < codeLengthCount; i++) codeLengthLengths[CODE_LENGTH_ORDER[i]!] = yield* this.bits(3);
    const codeLengths = buildTable(codeLengthLengths);

    const lengths = new Uint8Array(literalCount + distanceCount);
    for (let i = 0; i < lengths.length;) {
      const symbol = yield* this.symbol(codeLengths);
      if (symbol < 16) {
        lengths[i++] = symbol;
        continue;
      }
      let repeat: number;
      let value = 0;
      if (symbol === 16) {
        if (i === 0) throw new Error('invalid deflate code lengths');
        value = lengths[i - 1]!;
        repeat = 3 + (yield* this.bits(2));
      } else if (symbol === 17) repeat = 3 + (yield* this.bits(3));
      else repeat = 11 + (yield* this.bits(7));
      if (i + repeat > lengths.length) throw new Error('invalid deflate code lengths');
      lengths.fill(value, i, i + repeat);
      i += repeat;
    }
    return [buildTable(lengths.subarray(0, literalCount)), buildTable(lengths.subarray(literalCount))];
  }

  /** One Huffman-coded symbol, read bit by bit (codes are packed most significant bit first). */
  private *symbol(table: HuffmanTable): Generator<void, number, void> {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let length = 1; length < table.counts.length; length++) {
      code |= yield* this.bits(1);
      const count = table.counts[length]!;
      if (code - first < count) return table.symbols[index + code - first]!;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new Error('invalid deflate Huffman code');
  }

  private *bits(count: number): Generator<void, number, void> {
    while (this.bitCount < count) {
      while (this.position >= this.input.length) yield;
      this.bitBuffer |= this.input[this.position++]! << this.bitCount;
      this.bitCount += 8;
    }
    const value = this.bitBuffer & ((1 << count) - 1);
    this.bitBuffer >>>= count;
    this.bitCount -= count;
    return value;
  }

  private *byte(): Generator<void, number, void> {
    while (this.position >= this.input.length) yield;
    return this.input[this.position++]!;
  }

  private *skip(count: number): Generator<void, void, void> {
    for (let i = 0; i < count; i++) yield* this.byte();
  }

  private *uint32(): Generator<void, number, void> {
    let value = 0;
    for (let shift = 0; shift < 32; shift += 8) value += (yield* this.byte()) * 2 ** shift;
    return value;
  }

  private updateCrc(): void {
    if (this.outputLength === this.checksummed) return;
    this.memberCrc = crc32(this.output.subarray(this.checksummed, this.outputLength), this.memberCrc);
    this.checksummed = this.outputLength;
  }

  // Fewer than 8 bits are ever held, and they belong to the byte being read: drop them.
  private alignToByte(): void {
    this.bitBuffer = 0;
    this.bitCount = 0;
  }

  private emit(byte: number): void {
    this.window[this.windowEnd & WINDOW_MASK] = byte;
    this.windowEnd = (this.windowEnd + 1) | 0;
    this.memberSize++;
    if (this.outputLength === this.output.length) {
      const grown = Buffer.allocUnsafe(this.output.length * 2);
      this.output.copy(grown);
      this.output = grown;
    }
    this.output[this.outputLength++] = byte;
  }
}

/** A canonical Huffman code: how many codes of each length, and the symbols in code order. */
interface HuffmanTable {
  readonly counts: Uint16Array;
  readonly symbols: Uint16Array;
}

const WINDOW_SIZE = 32_768;
const WINDOW_MASK = WINDOW_SIZE - 1;
const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;

const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
  227, 258,
];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DISTANCE_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
  6145, 8193, 12289, 16385, 24577,
];
const DISTANCE_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

function buildTable(lengths: Uint8Array): HuffmanTable {
  const counts = new Uint16Array(16);
  for (const length of lengths) counts[length]!++;
  counts[0] = 0;
  const offsets = new Uint16Array(16);
  for (let length = 1; length < 16; length++) offsets[length] = offsets[length - 1]! + counts[length - 1]!;
  const symbols = new Uint16Array(lengths.length);
  lengths.forEach((length, symbol) => {
    if (length !== 0) symbols[offsets[length]!++] = symbol;
  });
  return { counts, symbols };
}

const FIXED_LITERALS = buildTable(
  Uint8Array.from({ length: 288 }, (_, symbol) =>
    symbol < 144 ? 8 : symbol < 256 ? 9 : symbol < 280 ? 7 : 8,
  ),
);
const FIXED_DISTANCES = buildTable(new Uint8Array(30).fill(5));
