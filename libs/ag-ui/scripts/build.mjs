// Builds the package: the CommonJS code with tsc, then one small ESM entry per entry point that
// re-exports it. One copy of the code serves require() and import alike, so injection tokens,
// metadata keys and classes are the same objects whichever way an app (or its test runner) loads them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
/** The package's entry points, as in the exports map: subpath → the CommonJS file it serves. */
export const ENTRY_POINTS = { '.': 'index', './testing': 'testing/index' };

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.lib.json')], { stdio: 'inherit' });
writeFileSync(join(dist, 'cjs/package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);

const require = createRequire(import.meta.url);
for (const entry of Object.values(ENTRY_POINTS)) {
  const cjs = join(dist, 'cjs', `${entry}.js`);
  const esm = join(dist, 'esm', `${entry}.js`);
  const target = relative(dirname(esm), cjs);
  const names = Object.keys(require(cjs)).filter((name) => name !== '__esModule' && name !== 'default');
  mkdirSync(dirname(esm), { recursive: true });
  writeFileSync(
    esm,
    `import lib from '${target}';\n\nexport const {\n${names.map((name) => `  ${name},`).join('\n')}\n} = lib;\n`,
  );
  writeFileSync(join(dirname(esm), `${entry.split('/').pop()}.d.ts`), `export * from '${target}';\n`);
}
