// `npm run bench`: runs every benchmark in its own process (so peak RSS is its own) and
// prints one JSON line per benchmark.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv[2];
const benches = readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !only || f.startsWith(only))
  .sort();
for (const file of benches) {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, file)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(out);
}
