import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LIBRARY = fileURLToPath(new URL('../libs/ag-ui/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(LIBRARY, 'package.json'), 'utf8'));

/** What `npm pack` would put in the tarball (the build is npm test's; --ignore-scripts skips prepack's second one). */
function packedFiles(): string[] {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: LIBRARY, encoding: 'utf8' });
  return (JSON.parse(output) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path).sort();
}

function exportTargets(node: unknown): string[] {
  if (typeof node === 'string') return [node.replace(/^\.\//, '')];
  return Object.values(node as Record<string, unknown>).flatMap(exportTargets);
}

describe('the npm package (libs/ag-ui)', () => {
  const files = packedFiles();

  it('ships the build, its README, LICENSE and CHANGELOG, and nothing else', () => {
    expect(files.filter((path) => !path.startsWith('dist/'))).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
    const unexpected = files.filter((path) => path.startsWith('dist/') && !/^dist\/(cjs|esm)\/.+\.(js|d\.ts|js\.map)$|^dist\/cjs\/package\.json$/.test(path));
    expect(unexpected).toEqual([]);
    expect(files.filter((path) => /spec|__snapshots__|tsbuildinfo/.test(path))).toEqual([]);
  });

  it('has every file its exports map, main and types name', () => {
    const targets = [...exportTargets(manifest.exports), manifest.main, manifest.types, ...exportTargets(manifest.typesVersions)].map((path: string) => path.replace(/^\.\//, ''));
    expect(targets.filter((path) => !files.includes(path))).toEqual([]);
    for (const entry of ['.', './testing']) {
      expect(Object.keys(manifest.exports[entry])).toEqual(['import', 'require', 'default']);
      expect(Object.keys(manifest.exports[entry].import)).toEqual(['types', 'default']);
    }
  });

  it('serves CommonJS from dist/cjs whatever the package type says', () => {
    expect(JSON.parse(readFileSync(join(LIBRARY, 'dist/cjs/package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    expect(readFileSync(join(LIBRARY, 'dist/cjs/index.js'), 'utf8')).toContain('exports.AgUiModule');
    expect(readFileSync(join(LIBRARY, 'dist/esm/index.js'), 'utf8')).toMatch(/^import lib from '\.\.\/cjs\/index\.js';/);
  });

  it('has source maps that are true: each carries the source it maps', () => {
    const maps = files.filter((path) => path.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(50);
    for (const path of maps) {
      const map = JSON.parse(readFileSync(join(LIBRARY, path), 'utf8')) as { sources: string[]; sourcesContent?: Array<string | null> };
      expect({ path, carried: map.sourcesContent?.filter((content) => typeof content === 'string' && content.length > 0).length }).toEqual({ path, carried: map.sources.length });
    }
    for (const path of files.filter((file) => file.startsWith('dist/cjs/') && file.endsWith('.js'))) {
      const mapped = /\/\/# sourceMappingURL=(.+)$/.exec(readFileSync(join(LIBRARY, path), 'utf8'))?.[1];
      if (mapped) expect(files).toContain(join(path, '..', mapped));
    }
  });

  it('declares its licence, home and peers for Nest 11 and 12 and openai 6 and 7', () => {
    expect(readFileSync(join(LIBRARY, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(manifest).toMatchObject({ license: 'MIT', repository: { type: 'git' }, homepage: expect.any(String), bugs: { url: expect.any(String) } });
    for (const peer of ['@nestjs/common', '@nestjs/core']) expect(manifest.peerDependencies[peer]).toBe('^11.0.0 || ^12.0.0');
    expect(manifest.peerDependencies.openai).toBe('^6.0.0 || ^7.0.0');
    expect(manifest.peerDependenciesMeta['@ag-ui/client']).toEqual({ optional: true });
  });
});
