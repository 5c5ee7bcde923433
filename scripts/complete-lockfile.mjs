// The registry this project installs from serves only the Linux builds of packages with
// per-platform binaries, so `npm install` leaves the other platforms' optional packages
// out of package-lock.json and `npm ci` then rejects the lock as out of sync. This adds
// those entries back as optional: npm skips an optional package it cannot fetch.
// Run after `npm install` whenever dependencies change: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const added = [];
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const parent = location.slice(0, location.lastIndexOf('node_modules/') + 'node_modules/'.length) || 'node_modules/';
    const key = `${parent}${name}`;
    if (lock.packages[key] || lock.packages[`${location}/node_modules/${name}`]) continue;
    lock.packages[key] = { version, dev: entry.dev, optional: true };
    added.push(key);
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `added ${added.length} optional platform entries` : 'lock file complete');
