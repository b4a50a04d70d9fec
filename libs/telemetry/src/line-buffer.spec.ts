import { describe, expect, it } from 'vitest';
import { LineBuffer, type BlockDestination } from './line-buffer.js';

/** Keeps the blocks it is given as they are (no copy), as sonic-boom holds them until written. */
class HeldBlocks implements BlockDestination {
  readonly blocks: Buffer[] = [];
  flushes = 0;

  write(block: Buffer): boolean {
    this.blocks.push(block);
    return true;
  }

  flush(): void {
    this.flushes += 1;
  }

  flushSync(): void {
    this.flushes += 1;
  }

  text(): string {
    return Buffer.concat(this.blocks).toString('utf8');
  }
}

describe('LineBuffer', () => {
  it('holds lines until a block is full or it is flushed, then hands them out in order', () => {
    const held = new HeldBlocks();
    const buffer = new LineBuffer(held);
    buffer.write('{"n":1}\n');
    buffer.write('{"n":2}\n');
    expect(held.blocks).toEqual([]);
    buffer.flush();
    expect(held.text()).toBe('{"n":1}\n{"n":2}\n');
    expect(held.flushes).toBe(1);
  });

  it('hands out blocks that later lines never write over, every character encoded as UTF-8', () => {
    const held = new HeldBlocks();
    const buffer = new LineBuffer(held);
    const lines = Array.from(
      { length: 5000 },
      (_, n) => `{"n":${n},"text":"café ☕ 𝄞 ${'x'.repeat(n % 97)}"}\n`,
    );
    for (const line of lines) buffer.write(line);
    buffer.flushSync();
    expect(held.blocks.length).toBeGreaterThan(3);
    expect(held.text()).toBe(lines.join(''));
  });

  it('writes a line longer than its memory whole, between the lines around it', () => {
    const held = new HeldBlocks();
    const buffer = new LineBuffer(held);
    const long = `{"payload":"${'é'.repeat(300_000)}"}\n`;
    buffer.write('{"n":1}\n');
    buffer.write(long);
    buffer.write('{"n":2}\n');
    buffer.flush();
    expect(held.text()).toBe(`{"n":1}\n${long}{"n":2}\n`);
  });

  it('joins a head and an object into one line, and a head and an empty object into a closed one', () => {
    const held = new HeldBlocks();
    const buffer = new LineBuffer(held);
    buffer.writeJoined('{"time":1,"type":"access"', '{"status":200,"path":"/ü"}');
    buffer.writeJoined('{"time":2,"type":"access"', '{}');
    buffer.flush();
    expect(held.text()).toBe(
      '{"time":1,"type":"access","status":200,"path":"/ü"}\n{"time":2,"type":"access"}\n',
    );
  });
});
