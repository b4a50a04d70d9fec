// Compiles every workspace project's `src/` to its `dist/` with swc, in one process.
// Type checking is `npm run typecheck`; this step only transpiles (decorator metadata
// included, for NestJS), so a full build takes about a second.
import { transformFile } from '@swc/core';
import { globSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const SOURCE_PATTERNS = ['apps/*/src', 'libs/*/src', 'libs/plugins/*/src', 'libs/providers/*/src'];

const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: true,
};

const isTest = (file) => /\.(spec|e2e-spec|integration-spec)\.ts$/.test(file);

async function buildProject(srcDir) {
  const outDir = join(dirname(srcDir), 'dist');
  rmSync(outDir, { recursive: true, force: true });
  const files = globSync(`${srcDir}/**/*.ts`).filter(
    (file) => !isTest(file) && !file.includes('__fixtures__'),
  );
  await Promise.all(
    files.map(async (file) => {
      const outFile = join(outDir, relative(srcDir, file)).replace(/\.ts$/, '.js');
      const { code, map } = await transformFile(file, {
        ...swcOptions,
        sourceFileName: relative(dirname(outFile), file),
      });
      mkdirSync(dirname(outFile), { recursive: true });
      writeFileSync(outFile, `${code}\n//# sourceMappingURL=${outFile.split('/').pop()}.map\n`);
      writeFileSync(`${outFile}.map`, map);
    }),
  );
  return files.length;
}

const started = performance.now();
const projects = SOURCE_PATTERNS.flatMap((pattern) => globSync(pattern));
const counts = await Promise.all(projects.map(buildProject));
const total = counts.reduce((sum, n) => sum + n, 0);
console.log(
  `built ${total} files in ${projects.length} projects in ${Math.round(performance.now() - started)} ms`,
);
