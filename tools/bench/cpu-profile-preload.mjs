// Preloaded into the gateway with NODE_OPTIONS=--import (node refuses --cpu-prof there): the V8
// sampling profiler that --cpu-prof uses, but bounded to the measured load. The first SIGUSR2
// starts it, the second stops it and writes the .cpuprofile to $BENCH_CPU_PROFILE (renamed into
// place once complete, so that its appearance means it is whole).
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const SAMPLING_INTERVAL_US = 1000;
const target = process.env.BENCH_CPU_PROFILE;
const session = new Session();
session.connect();
let running = false;

process.on('SIGUSR2', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () =>
      session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US }, () =>
        session.post('Profiler.start'),
      ),
    );
    return;
  }
  running = false;
  session.post('Profiler.stop', (error, result) => {
    if (error) throw error;
    writeFileSync(`${target}.partial`, JSON.stringify(result.profile));
    renameSync(`${target}.partial`, target);
  });
});
