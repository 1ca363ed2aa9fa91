// `npm run bench`: every benchmark in this folder, one process each (so peak RSS is each one's own),
// in a fixed order; pass names to run some (`npm run bench -- engine aws`).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.endsWith('.test.ts') && !file.startsWith('_'))
  .map((file) => file.slice(0, -3))
  .sort((a, b) => (a === 'engine' ? -1 : b === 'engine' ? 1 : a.localeCompare(b)));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exitCode = 2;
} else {
  let failed = 0;
  for (const name of wanted.length ? wanted : available) {
    console.log(`\n== ${name}`);
    const result = spawnSync(process.execPath, [`${dir}${name}.ts`], { stdio: 'inherit' });
    if (result.status !== 0) failed += 1;
  }
  process.exitCode = failed ? 1 : 0;
}
