// `npm run bench [-- name…]`: runs test/bench/<name>.bench.ts files one after another (never inside npm test).
// Each benchmark measures ratios against a baseline in the same run and writes bench-results/<name>.json plus
// one summary line (ARCHITECTURE.md §7).

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const dir = path.dirname(new URL(import.meta.url).pathname);
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length) {
  console.error(
    `[bench] unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ') || 'none'}`,
  );
  process.exit(2);
}
if (available.length === 0) {
  console.log(
    '[bench] no benchmarks are built yet (Delta, MySQL sync and workbench benchmarks come with their issues)',
  );
  process.exit(0);
}
let failed = 0;
for (const name of wanted.length ? wanted : available) {
  console.log(`[bench] ${name}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, `${name}.bench.ts`)], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
