// `dutybound demo`: scan the bundled demo estate (examples/demo) at a fixed instant. Exits 0.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/load.ts';
import { InputError } from '../errors.ts';
import { FORMATS } from '../../reports/types.ts';
import { runScan, SCAN_DEFAULT_OUT } from './scan.ts';
import { say, type Io } from './io.ts';

// From src/commands (TypeScript) or dist/src/commands (compiled): the package's examples/demo.
export const DEMO_DIR = fileURLToPath(
  ['../../examples/demo/', '../../../examples/demo/'].map((path) => new URL(path, import.meta.url)).find((url) => existsSync(url)) ??
    new URL('../../examples/demo/', import.meta.url),
);
/** The demo's evaluation instant: its ledger and schedule are written around it. */
export const DEMO_NOW = '2026-11-16T10:00:00Z';

export const runDemo = async (options: { out?: string; quiet?: boolean }, io: Io): Promise<number> => {
  if (options.out === '-') throw new InputError('demo --out: the demo writes all four reports to a directory; name one (default ./dutybound-report)');
  const loaded = loadConfig(`${DEMO_DIR}dutybound.yaml`, io.cwd, io.env);
  const { written, report } = await runScan(
    {
      now: DEMO_NOW,
      out: options.out ?? SCAN_DEFAULT_OUT,
      format: [...FORMATS],
      failOn: 'critical',
      inventory: [`${DEMO_DIR}inventory.json`],
      ledger: [],
      schedule: [],
      quiet: options.quiet,
    },
    io,
    loaded,
  );
  const html = written.find((path) => path.endsWith('.html'));
  await say(
    io.stdout,
    `\nThe demo company's estate at ${report.now}: ${report.summary.findings} findings across ${new Set(report.findings.map((finding) => finding.rule)).size} rules.\n` +
      (html ? `Open ${html} in a browser to read the report.\n` : ''),
  );
  return 0;
};
