import { copyPgliteStore, loadEnvironment, StoreSettings } from '@switchyard/config';

// `npm run store:migrate-pglite`: copies the config of a PGlite DATA_DIR (the embedded store of
// earlier versions) into the SQLite store beside it, once; `npm start` then serves it.
const { DATA_DIR } = loadEnvironment(StoreSettings);
try {
  const copy = await copyPgliteStore(DATA_DIR);
  const rows = Object.entries(copy.rows).map(([table, count]) => `${count} ${table}`);
  console.log(`Copied config version ${copy.version} (${rows.join(', ')}) into ${copy.file}.`);
  console.log(
    `The PGlite files in ${DATA_DIR} (PG_VERSION, base/, global/, pg_*) are no longer read: delete them once the gateway serves.`,
  );
} catch (error) {
  console.error(`store:migrate-pglite failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
