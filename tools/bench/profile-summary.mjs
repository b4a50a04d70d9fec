// Reads a V8 .cpuprofile (node --cpu-prof) and aggregates self time by function (name + file +
// line) and by area (a package under node_modules, a workspace lib or app, a node core module,
// or V8's own: GC, program), plus the total (inclusive) time of the repository's own functions.
// A builtin or native function (one without a script: `writev`, `JSON.parse`, ...) counts in the
// area of the script that called it, so that e.g. socket writes land in node's stream internals.
// Idle samples are counted apart and percentages are of the busy time.
// Also a command: node tools/bench/profile-summary.mjs <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Where a script belongs: `undici`, `libs/gateway`, `node:internal/streams`, `(garbage collector)`, ... */
function scriptArea(url, functionName) {
  if (url === '') return functionName.startsWith('(') ? functionName : '(V8 builtins / native)';
  if (url.startsWith('node:'))
    return url
      .split('/')
      .slice(0, url.startsWith('node:internal/') ? 2 : 1)
      .join('/');
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const modules = path.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const [scopeOrName, name] = path.slice(modules + '/node_modules/'.length).split('/');
    return scopeOrName.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName;
  }
  if (path.startsWith(REPO)) {
    const parts = path.slice(REPO.length).split('/');
    return parts.slice(0, parts[1] === 'plugins' || parts[1] === 'providers' ? 3 : 2).join('/');
  }
  return path;
}

function shortLocation(url, lineNumber) {
  if (url === '') return '';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const modules = path.lastIndexOf('/node_modules/');
  const short =
    modules !== -1
      ? path.slice(modules + '/node_modules/'.length)
      : path.startsWith(REPO)
        ? path.slice(REPO.length)
        : path;
  return `${short}:${lineNumber + 1}`;
}

function ranked(totals, busyUs) {
  return [...totals.entries()]
    .map(([key, us]) => ({
      ...JSON.parse(key),
      ms: Math.round(us / 100) / 10,
      pct: Math.round((us / busyUs) * 1000) / 10,
    }))
    .sort((a, b) => b.ms - a.ms);
}

/** The area of the profile node `id`: its script's, or for a builtin its nearest scripted caller's. */
function areaOf(id, nodes, parents) {
  const { url, functionName } = nodes.get(id);
  // V8's own entries: (garbage collector), (program), (root).
  if (url !== '' || functionName.startsWith('(')) return scriptArea(url, functionName);
  for (let caller = parents.get(id); caller !== undefined; caller = parents.get(caller)) {
    if (nodes.get(caller).url !== '') return scriptArea(nodes.get(caller).url, '');
  }
  return scriptArea('', functionName);
}

function functionKey(id, nodes, parents) {
  const frame = nodes.get(id);
  return JSON.stringify({
    function: frame.functionName || '(anonymous)',
    location: shortLocation(frame.url, frame.lineNumber),
    area: areaOf(id, nodes, parents),
  });
}

/** The median gap between two samples, in µs. */
function samplingIntervalUs(timeDeltas) {
  const sorted = timeDeltas.slice(1).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Self time of the profile at `path`: the `top` areas and functions; and the `top` functions of
 * the repository (libs/, apps/) by total time (their own and their callees', once per sample).
 */
export function summarizeCpuProfile(path, { top = 25 } = {}) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const byFunction = new Map();
  const byArea = new Map();
  const ownTotal = new Map();
  let busyUs = 0;
  let idleUs = 0;
  // Every sample stands for the sampling interval (the median gap between two). A longer gap is
  // the thread descheduled on a busy machine, most often in a system call: counted as the time
  // until the next sample, it made socket and file writes look several times their cost.
  const us = samplingIntervalUs(profile.timeDeltas);
  for (let index = 0; index < profile.samples.length; index += 1) {
    const sampled = profile.samples[index];
    if (nodes.get(sampled).functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const fnKey = functionKey(sampled, nodes, parents);
    byFunction.set(fnKey, (byFunction.get(fnKey) ?? 0) + us);
    const areaKey = JSON.stringify({ area: areaOf(sampled, nodes, parents) });
    byArea.set(areaKey, (byArea.get(areaKey) ?? 0) + us);
    busyUs += us;
    const seen = new Set();
    for (let id = sampled; id !== undefined; id = parents.get(id)) {
      const callFrame = nodes.get(id);
      if (!callFrame.url.startsWith('file://') || !/^(libs|apps)\//.test(scriptArea(callFrame.url, '')))
        continue;
      const key = functionKey(id, nodes, parents);
      if (seen.has(key)) continue;
      seen.add(key);
      ownTotal.set(key, (ownTotal.get(key) ?? 0) + us);
    }
  }
  return {
    file: path,
    busyMs: Math.round(busyUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    byArea: ranked(byArea, busyUs).slice(0, top),
    topFunctions: ranked(byFunction, busyUs).slice(0, top),
    ownFunctionsByTotal: ranked(ownTotal, busyUs).slice(0, top),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const summary = summarizeCpuProfile(process.argv[2], { top: Number(process.argv[3] ?? 25) });
  console.log(`${summary.file}: ${summary.busyMs} ms busy, ${summary.idleMs} ms idle`);
  console.table(summary.byArea);
  console.table(summary.topFunctions);
  console.table(summary.ownFunctionsByTotal);
}
