import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const QUICK_START = join(REPO, 'docs/quick-start/src');
/** Files the READMEs name with a link instead of showing. */
const LINKED_ONLY = new Set(['orders/orders.repository.ts']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [relative(QUICK_START, join(dir, entry.name))],
  );
}

/** The first ```ts block of a README that opens with `// <file>`, for each quick-start file (later ones, like `// main.ts, before app.listen()`, are excerpts). */
function quickStartBlocks(readme: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const [, code] of readme.matchAll(/```ts\n([\s\S]*?)\n```/g)) {
    const file = /^\/\/ ([\w./-]+\.ts)\b/.exec(code!)?.[1];
    if (file && !blocks.has(file) && filesUnder(QUICK_START).includes(file)) blocks.set(file, code!);
  }
  return blocks;
}

/** The quick start is executable documentation: the consumer test compiles and runs these files, so the READMEs must show them as they are. */
describe.each(['README.md', 'libs/ag-ui/README.md'])('the quick start in %s', (readmePath) => {
  const blocks = quickStartBlocks(readFileSync(join(REPO, readmePath), 'utf8'));

  it.each(filesUnder(QUICK_START).filter((file) => !LINKED_ONLY.has(file)))('shows %s exactly as the file the consumer test runs', (file) => {
    expect(blocks.get(file)).toBe(readFileSync(join(QUICK_START, file), 'utf8').trimEnd());
  });
});
