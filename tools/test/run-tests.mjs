// Runs every project's tests through Nx, then prints the closing line CI reads:
// `N passed, N failed` (plus `, N skipped`). Exits non-zero when any test or project failed.
// Arguments are passed to `nx run-many` (e.g. `--projects=@switchyard/config`).
import { spawnSync } from 'node:child_process';
import { globSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

const RESULTS_DIR = 'tmp/test-results';
rmSync(RESULTS_DIR, { recursive: true, force: true });

// One id per run: tests derive their Postgres database and Redis key prefix from it,
// so that two runs on one machine never touch each other's data.
const runId =
  process.env.SWITCHYARD_TEST_RUN_ID ?? `t${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

const nx = spawnSync(
  'nx',
  [
    'run-many',
    '-t',
    'test',
    '--parallel=2',
    '--outputStyle=stream',
    '--skipNxCache',
    ...process.argv.slice(2),
  ],
  {
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', SWITCHYARD_TEST_RUN_ID: runId },
  },
);

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of globSync(`${RESULTS_DIR}/**/*.json`)) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // A suite that failed with no failed test in it (it failed to load, or a beforeAll hook failed
  // and its tests were skipped) counts as a failure: its tests never ran.
  failed += report.testResults.filter(
    (suite) => suite.status === 'failed' && !suite.assertionResults.some((test) => test.status === 'failed'),
  ).length;
}

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(nx.status !== 0 || failed > 0 ? 1 : 0);
