import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HEAP_DEFAULTS, heapFlags, heapSettings } from './index.js';

const noFlags = { execArgv: [], nodeOptions: undefined };
const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/**
 * The young generation's size (MiB, both semi-spaces) in a new node process that applies the heap
 * defaults with `env`, then allocates about 400 MB as a server does, in many small tasks (a quarter
 * of it kept for a while, so that it survives scavenges).
 */
function youngGenerationAfterLoad(env: Record<string, string>): number {
  const script = `
    const { applyHeapDefaults } = await import(${JSON.stringify(BUILT)});
    const { getHeapSpaceStatistics } = await import('node:v8');
    applyHeapDefaults();
    const kept = [];
    for (let round = 0; round < 400; round++) {
      for (let i = 0; i < 10000; i++) {
        const item = { i, text: 'request ' + i, parts: [i, i] };
        if (i % 4 === 0) kept.push(item);
      }
      if (kept.length > 200000) kept.length = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    console.log(young.space_size / 1048576);`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    encoding: 'utf8',
  });
  return Number(output.trim());
}

describe('heapSettings', () => {
  it('takes the defaults, or the environment, 0 leaving V8 its own choice', () => {
    expect(heapSettings({})).toEqual(HEAP_DEFAULTS);
    expect(heapSettings({ HEAP_MAX_SEMI_SPACE_MB: '4', HEAP_GROWING_PERCENT: '0' })).toEqual({
      maxSemiSpaceMb: 4,
      heapGrowingPercent: 0,
    });
  });

  it('refuses a value that is not a whole number, naming the variable', () => {
    expect(() => heapSettings({ HEAP_GROWING_PERCENT: '30%' })).toThrow(
      'HEAP_GROWING_PERCENT must be a whole number (0 leaves V8\'s default), not "30%"',
    );
  });
});

describe('heapFlags', () => {
  it('gives the node flags of the settings', () => {
    expect(heapFlags({ maxSemiSpaceMb: 8, heapGrowingPercent: 30 }, noFlags)).toEqual([
      '--max-semi-space-size=8',
      '--heap-growing-percent=30',
    ]);
  });

  it("leaves out what the operator's flags set, on the command line or in NODE_OPTIONS, and the 0s", () => {
    const settings = { maxSemiSpaceMb: 8, heapGrowingPercent: 30 };
    expect(heapFlags(settings, { execArgv: ['--heap_growing_percent=50'], nodeOptions: undefined })).toEqual([
      '--max-semi-space-size=8',
    ]);
    expect(heapFlags(settings, { execArgv: [], nodeOptions: '--inspect --max-semi-space-size=16' })).toEqual([
      '--heap-growing-percent=30',
    ]);
    expect(heapFlags({ maxSemiSpaceMb: 0, heapGrowingPercent: 0 }, noFlags)).toEqual([]);
  });
});

describe('applyHeapDefaults', () => {
  it('keeps the young generation at the semi-space maximum in a running process', () => {
    // 2 x 4 MiB, plus the few pages V8 adds past a semi-space maximum (it does so with the flag too).
    expect(youngGenerationAfterLoad({ HEAP_MAX_SEMI_SPACE_MB: '4' })).toBeLessThan(16);
    // Without the cap, the same allocations grow it well past that: the test can tell.
    expect(youngGenerationAfterLoad({ HEAP_MAX_SEMI_SPACE_MB: '0' })).toBeGreaterThan(32);
  });
});
