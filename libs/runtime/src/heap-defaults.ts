import { setFlagsFromString } from 'node:v8';

/**
 * The V8 heap sizes every Switchyard app sets for itself (README, "Memory"). Node's defaults size
 * the heap for the machine's RAM, not for a gateway whose live heap is about 40 MB: under load a
 * young generation of 2 x 64 MB, and an old generation left to grow to 4x its live size before a
 * full collection, took a proxy worker from 110 MB idle to about 360 MB.
 */
export interface HeapSettings {
  /** The largest semi-space of the young generation, in MiB (V8's `--max-semi-space-size`); 0: V8's. */
  readonly maxSemiSpaceMb: number;
  /**
   * How far the old generation may grow past what survived the last full collection before the
   * next one, in percent (V8's `--heap-growing-percent`); 0: V8's own choice (30-300%).
   */
  readonly heapGrowingPercent: number;
}

/**
 * What the apps apply unless `HEAP_MAX_SEMI_SPACE_MB` / `HEAP_GROWING_PERCENT` say otherwise. In
 * A/B runs of the standalone at c=32 (tools/bench/heap-settings.mjs), 8 MiB held the CPU per
 * request of Node's young generation and 100% that of V8's own growing factor, each about 100 MB
 * less peak RSS; 30% saved 20 MB more for 15-20% more CPU per request (more full collections).
 */
export const HEAP_DEFAULTS: HeapSettings = { maxSemiSpaceMb: 8, heapGrowingPercent: 100 };

const SEMI_SPACE_FLAG = '--max-semi-space-size';
const GROWING_FLAG = '--heap-growing-percent';

/**
 * The heap settings from `HEAP_MAX_SEMI_SPACE_MB` and `HEAP_GROWING_PERCENT` (whole numbers, 0 for
 * V8's own choice), else `HEAP_DEFAULTS`. Read here, not by the apps' settings classes, because it
 * runs before anything else loads.
 */
export function heapSettings(env: NodeJS.ProcessEnv = process.env): HeapSettings {
  const read = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    if (!/^\d+$/.test(value))
      throw new Error(`${name} must be a whole number (0 leaves V8's default), not "${value}"`);
    return Number(value);
  };
  return {
    maxSemiSpaceMb: read('HEAP_MAX_SEMI_SPACE_MB', HEAP_DEFAULTS.maxSemiSpaceMb),
    heapGrowingPercent: read('HEAP_GROWING_PERCENT', HEAP_DEFAULTS.heapGrowingPercent),
  };
}

/** Where a node process's flags come from: its command line and `NODE_OPTIONS`. */
export interface NodeFlagSources {
  readonly execArgv: readonly string[];
  readonly nodeOptions: string | undefined;
}

const thisProcess = (): NodeFlagSources => ({
  execArgv: process.execArgv,
  nodeOptions: process.env['NODE_OPTIONS'],
});

/** Whether `flag` (dashes or underscores, with or without `=value`) is among the process's flags. */
function isSet(flag: string, { execArgv, nodeOptions }: NodeFlagSources): boolean {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  return given.some((arg) => arg.replaceAll('_', '-').split('=')[0] === flag);
}

/**
 * The node flags that apply `settings`, leaving out the ones `sources` set already (the operator's
 * flags win) and the 0s: for a child process's command line (a cluster worker's `execArgv`).
 */
export function heapFlags(settings = heapSettings(), sources = thisProcess()): string[] {
  const flags: string[] = [];
  if (settings.maxSemiSpaceMb > 0 && !isSet(SEMI_SPACE_FLAG, sources)) {
    flags.push(`${SEMI_SPACE_FLAG}=${settings.maxSemiSpaceMb}`);
  }
  if (settings.heapGrowingPercent > 0 && !isSet(GROWING_FLAG, sources)) {
    flags.push(`${GROWING_FLAG}=${settings.heapGrowingPercent}`);
  }
  return flags;
}

/**
 * Applies what of `settings` a running process can still take: the growing percent, which V8
 * reads at each full collection (unless the operator's flags set it). The young generation's
 * maximum is fixed when the heap is created: a process gets it from its command line (`npm start`
 * and the Docker image pass `--max-semi-space-size=8`), the processes an app starts from
 * `heapFlags`. Returns the flag it applied, if any.
 */
export function applyHeapDefaults(settings = heapSettings(), sources = thisProcess()): string[] {
  const applied = heapFlags(settings, sources).filter((flag) => flag.startsWith(GROWING_FLAG));
  for (const flag of applied) setFlagsFromString(flag);
  return applied;
}
