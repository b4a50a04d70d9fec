// Resident memory and CPU time of the processes under test and of the whole machine, read from
// /proc (Linux) from outside, so that measuring costs the measured processes nothing.
import { readFileSync } from 'node:fs';

const MB = 1024 * 1024;
/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** A memory field of /proc/<pid>/status in MB, or null once the process is gone. */
function statusMb(pid, field) {
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Math.round((Number(kb) * 1024 * 10) / MB) / 10;
  } catch {
    return null;
  }
}

/** The resident set size of `pid` in MB (VmRSS), or null once the process is gone. */
export function rssMb(pid) {
  return statusMb(pid, 'VmRSS');
}

/** The highest resident set size of `pid` since it started, in MB (VmHWM). */
export function peakRssSinceStartMb(pid) {
  return statusMb(pid, 'VmHWM');
}

/** The direct children of `pid` (the workers of a `node:cluster` primary). */
export function childPids(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** CPU seconds (user + system, all threads) used so far by `pid`; 0 once it is gone. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of proc(5) (utime, stime), counted from the state field (3).
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The machine's busy and total CPU seconds (all cores) so far. */
function machineSeconds() {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / TICKS_PER_SECOND, total: (busy + idle + iowait) / TICKS_PER_SECOND };
}

/**
 * Waits (at most `timeoutMs`) until the machine is quiet: less than `maxBusyPct` % of all cores
 * busy over a `windowMs` window, for measurements on a machine that other work shares. Resolves
 * with the wait and the last window's busy share.
 */
export async function waitForQuietMachine({ maxBusyPct = 15, windowMs = 500, timeoutMs = 20_000 } = {}) {
  const startedAt = performance.now();
  let busyPct = 100;
  while (performance.now() - startedAt < timeoutMs) {
    const before = machineSeconds();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = machineSeconds();
    busyPct = Math.round(((after.busy - before.busy) / (after.total - before.total)) * 1000) / 10;
    if (busyPct < maxBusyPct) break;
  }
  return { waitedMs: Math.round(performance.now() - startedAt), busyPct };
}

/**
 * Starts counting CPU time of named groups of pids (e.g. `{ target: [pid], mock: [pid] }`) and
 * of the machine. `stop(extra)` returns each group's use in % of one core, the machine's busy
 * share in % of all cores, and `other`: the machine's busy time not used by the groups nor by
 * `extra` (CPU seconds measured elsewhere, e.g. by the load generator itself), in % of one core.
 */
export function cpuMeter(groups) {
  const startedAt = performance.now();
  const sum = (pids) => pids.reduce((total, pid) => total + cpuSeconds(pid), 0);
  const before = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, sum(pids)]));
  const machineBefore = machineSeconds();
  return {
    stop(extraSeconds = 0) {
      const wall = (performance.now() - startedAt) / 1000;
      const machine = machineSeconds();
      const used = Object.fromEntries(
        Object.entries(groups).map(([name, pids]) => [name, sum(pids) - before[name]]),
      );
      const groupsTotal = Object.values(used).reduce((a, b) => a + b, 0) + extraSeconds;
      const pct = (seconds) => Math.round((seconds / wall) * 1000) / 10;
      return {
        seconds: used,
        pctOfCore: Object.fromEntries(Object.entries(used).map(([name, seconds]) => [name, pct(seconds)])),
        otherPctOfCore: pct(Math.max(0, machine.busy - machineBefore.busy - groupsTotal)),
        machineBusyPct:
          Math.round(((machine.busy - machineBefore.busy) / (machine.total - machineBefore.total)) * 1000) /
          10,
      };
    },
  };
}

/** Samples the RSS of `pids` every `intervalMs` until `stop()`, which returns each pid's peak in MB. */
export function sampleRss(pids, intervalMs = 250) {
  const peakMb = Object.fromEntries(pids.map((pid) => [pid, 0]));
  const take = () => {
    for (const pid of pids) peakMb[pid] = Math.max(peakMb[pid], rssMb(pid) ?? 0);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peakMb };
    },
  };
}
