// report.sarif from the user's side: GitHub's ingestion rules (Microsoft's SARIF multitool from the
// npm registry), a configured severity reaching code scanning, alerts on the ledger line.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, type CliRun } from '../fixtures/cli.ts';

const demo = join(repoRoot, 'examples/demo');

const run = (command: string, args: string[]): Promise<CliRun> =>
  new Promise((resolve) => {
    execFile(command, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
const cli = (args: string[], cwd = repoRoot) => runCli(args, { cwd });

interface Sarif {
  runs: { tool: { driver: { rules: { id: string; properties: Record<string, string> }[] } }; results: { ruleId: string; level?: string; message: unknown; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } } }[] }[] }[];
}

/** Microsoft's SARIF multitool, the binary its npm package ships for this platform. */
const multitool = (): string => {
  const platform = process.platform === 'win32' ? 'win32' : process.platform;
  const pkg = createRequire(import.meta.url).resolve(`@microsoft/sarif-multitool-${platform}/package.json`);
  return join(dirname(pkg), platform === 'win32' ? 'Sarif.Multitool.exe' : 'Sarif.Multitool');
};

describe('report.sarif for GitHub code scanning', () => {
  it("passes GitHub's ingestion rules and SARIF's own (multitool validate --rule-kind Gh;Sarif): no error or warning", async () => {
    const out = mkdtempSync(join(tmpdir(), 'dutybound-sarif-'));
    expect((await cli(['demo', '--out', out, '--quiet'])).code).toBe(0);
    const checked = join(out, 'validation.sarif');
    const validation = await run(multitool(), ['validate', '--rule-kind', 'Gh;Sarif', join(out, 'report.sarif'), '-o', checked]);
    expect(validation.stdout).toMatch(/Analysis completed successfully/);
    const problems = (JSON.parse(readFileSync(checked, 'utf8')) as Sarif).runs.flatMap((item) => item.results).filter((result) => (result.level ?? 'warning') !== 'note');
    expect(problems.map((result) => `${result.ruleId}: ${JSON.stringify(result.message)}`)).toEqual([]);
  });

  it('gives a configured severity to code scanning and opens grant alerts on their ledger line', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'dutybound-repo-'));
    for (const file of ['inventory.json', 'grants.yaml', 'oncall.ics', 'people.yaml']) copyFileSync(join(demo, file), join(repo, file));
    writeFileSync(join(repo, 'dutybound.yaml'), 'ledger: [grants.yaml]\nschedule: [oncall.ics]\npeople: people.yaml\nrules:\n  severity: { standing-privilege: critical }\n');
    const scan = await cli(['scan', '--inventory', 'inventory.json', '--now', '2026-11-16T10:00:00Z', '--out', '-', '--format', 'sarif', '--quiet'], repo);
    expect(scan.code).toBe(1);
    const sarif = JSON.parse(scan.stdout) as Sarif;
    expect(sarif.runs[0]!.tool.driver.rules.find((rule) => rule.id === 'standing-privilege')?.properties['security-severity']).toBe('9.5');
    const grantLines = readFileSync(join(repo, 'grants.yaml'), 'utf8').split('\n');
    const onLedger = sarif.runs[0]!.results.filter((result) => result.locations[0]!.physicalLocation.artifactLocation.uri === 'grants.yaml');
    expect(onLedger.length).toBeGreaterThan(3);
    for (const result of onLedger) {
      const { artifactLocation, region } = result.locations[0]!.physicalLocation;
      expect(artifactLocation.uriBaseId).toBe('%SRCROOT%');
      // The line is the grant's own row: a list item that names its id.
      expect(grantLines[region.startLine - 1], result.ruleId).toMatch(/^- id: /);
    }
    expect(sarif.runs[0]!.results.some((result) => result.ruleId === 'standing-privilege' && result.locations[0]!.physicalLocation.artifactLocation.uri.startsWith('dutybound/'))).toBe(true);
  });
});
