// Preloaded into the gateway with NODE_OPTIONS=--import for the memory check: on each SIGUSR2 it
// runs a full garbage collection (through the inspector, no --expose-gc needed) and appends one
// JSON line to $BENCH_HEAP_REPORT with the live heap left and the process's other memory figures,
// so that a growing live heap can be told apart from a heap V8 simply has not shrunk.
import { appendFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { getHeapStatistics } from 'node:v8';

const target = process.env.BENCH_HEAP_REPORT;
const session = new Session();
session.connect();
const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;

process.on('SIGUSR2', () => {
  session.post('HeapProfiler.collectGarbage', (error) => {
    if (error) throw error;
    const memory = process.memoryUsage();
    const heap = getHeapStatistics();
    const line = {
      liveHeapMb: mb(heap.used_heap_size),
      heapTotalMb: mb(heap.total_heap_size),
      externalMb: mb(memory.external),
      arrayBuffersMb: mb(memory.arrayBuffers),
      rssMb: mb(memory.rss),
    };
    appendFileSync(target, `${JSON.stringify(line)}\n`);
  });
});
