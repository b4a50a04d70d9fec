// Admin API write throughput and latency, on the embedded (SQLite) and the PostgreSQL store.
// Usage: npm run build && node tools/bench/admin/run.mjs   (writes tmp/bench/admin-writes.json)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appEntry, createTestDatabase, freePort, startAppProcess } from '../../../libs/testing/dist/index.js';
import { summarize } from '../stats.mjs';

const SEQUENTIAL_WRITES = 300;
const CONCURRENT_WRITES = 600;
const CONCURRENCY = 8;

async function createConsumer(baseUrl, name) {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/consumers`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: name, 'tags[]': 'bench' }).toString(),
  });
  await response.arrayBuffer();
  if (response.status !== 201) throw new Error(`write ${name} answered ${response.status}`);
  return performance.now() - started;
}

async function measure(label, env) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const admin = await startAppProcess(
    appEntry('admin'),
    { ...env, ADMIN_LISTEN: `127.0.0.1:${port}` },
    `${baseUrl}/status`,
  );
  try {
    for (let index = 0; index < 20; index += 1) await createConsumer(baseUrl, `warmup-${index}`);
    const latencies = [];
    for (let index = 0; index < SEQUENTIAL_WRITES; index += 1)
      latencies.push(await createConsumer(baseUrl, `seq-${index}`));

    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < CONCURRENT_WRITES) await createConsumer(baseUrl, `par-${next++}`);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      store: label,
      latency_ms_sequential: summarize(latencies),
      writes_per_second_at_8: Math.round(CONCURRENT_WRITES / seconds),
    };
  } finally {
    await admin.stop();
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
const database = await createTestDatabase('bench');
try {
  const results = [
    await measure('sqlite', { DATA_DIR: dataDir, LOG_LEVEL: 'warn' }),
    await measure('postgres', { DATABASE_URL: database.url, LOG_LEVEL: 'warn' }),
  ];
  console.table(
    results.map((r) => ({
      store: r.store,
      ...Object.fromEntries(Object.entries(r.latency_ms_sequential).map(([k, v]) => [`seq ${k}`, v])),
      'writes/s @8': r.writes_per_second_at_8,
    })),
  );
  mkdirSync('tmp/bench', { recursive: true });
  writeFileSync('tmp/bench/admin-writes.json', JSON.stringify(results, null, 2));
} finally {
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
