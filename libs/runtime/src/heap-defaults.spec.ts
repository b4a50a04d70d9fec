import { describe, expect, it } from 'vitest';
import { applyHeapDefaults, HEAP_DEFAULTS, heapFlags, heapSettings } from './index.js';

const noFlags = { execArgv: [], nodeOptions: undefined };

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
  it("applies the growing percent to the running process, unless the operator's flags set it", () => {
    const settings = { maxSemiSpaceMb: 8, heapGrowingPercent: 100 };
    expect(
      applyHeapDefaults(settings, { execArgv: ['--heap-growing-percent=50'], nodeOptions: undefined }),
    ).toEqual([]);
    expect(applyHeapDefaults(settings, noFlags)).toEqual(['--heap-growing-percent=100']);
  });
});
