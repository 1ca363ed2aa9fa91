// Ledger benchmark: a 1,000,000-row grant ledger written as CSV and as JSON lines, each loaded
// by `loadLedger` in its own process (so each peak RSS is that format's own); prints load time
// and peak RSS. CSV and JSON lines are read as streams: memory holds the grants, not the text.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { loadLedger } from '../../connectors/files/ledger.ts';

const ROWS = Number(process.env.BENCH_LEDGER_ROWS ?? 1_000_000);
const START = Date.parse('2026-11-01T00:00:00Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const row = (index: number) => {
  const start = START + (index % 720) * HOUR;
  return {
    id: `GR-${index}`,
    subject: `person-${index % 60_000}@example.com`,
    system: ['aws', 'github', 'kubernetes'][index % 3]!,
    target: `target-${index % 40}`,
    privilege: index % 5 ? 'AdministratorAccess' : '*',
    start: iso(start),
    end: iso(start + 8 * HOUR),
    approver: 'approver@example.com',
    ticket: `T-${index}`,
  };
};

/** Writes the ledger a row at a time (the benchmark itself must not hold it as one string). */
const writeLedger = async (path: string, format: 'csv' | 'jsonl'): Promise<void> => {
  const out = createWriteStream(path);
  const columns = Object.keys(row(0));
  if (format === 'csv') out.write(`${columns.join(',')}\n`);
  for (let index = 0; index < ROWS; index += 1) {
    const line = format === 'csv' ? `${Object.values(row(index)).join(',')}\n` : `${JSON.stringify(row(index))}\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
};

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

const measure = async (path: string): Promise<void> => {
  const started = performance.now();
  const grants = await loadLedger([path]);
  const seconds = (performance.now() - started) / 1000;
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(`  ${path.endsWith('.csv') ? 'CSV  ' : 'JSONL'}  ${grants.length.toLocaleString('en')} grants from ${mib(statSync(path).size)} in ${seconds.toFixed(2)} s, peak RSS ${mib(peak)} (${(peak / grants.length).toFixed(0)} B per grant)`);
  if (grants.length !== ROWS) process.exitCode = 1;
};

if (process.argv[2]) await measure(process.argv[2]);
else {
  const dir = mkdtempSync(join(tmpdir(), 'dutybound-bench-ledger-'));
  try {
    console.log(`ledger benchmark: ${ROWS.toLocaleString('en')} rows`);
    for (const format of ['csv', 'jsonl'] as const) {
      const path = join(dir, `grants.${format}`);
      await writeLedger(path, format);
      const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url), path], { stdio: 'inherit' });
      if (result.status !== 0) process.exitCode = 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
