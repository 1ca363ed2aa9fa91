// The CLI from the user's side: a real process, files in, reports and exit codes out.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../src/model/index.ts';
import { DEMO_NOW as ESTATE_NOW, files as demoFiles, inventory as demoInventory } from '../../examples/demo/estate.ts';
import { DEMO_NOW } from '../../src/commands/demo.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const demo = join(root, 'examples/demo');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const cli = (args: string[], cwd = root): Promise<Run> =>
  new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'src/cli.ts'), ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });

const tmp = () => mkdtempSync(join(tmpdir(), 'dutybound-e2e-'));
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const demoArgs = ['--inventory', join(demo, 'inventory.json'), '--ledger', join(demo, 'grants.yaml'), '--schedule', join(demo, 'oncall.ics'), '--people', join(demo, 'people.yaml')];
const NOW = '2026-11-16T10:00:00Z';

describe('dutybound demo', () => {
  it('ships the estate its generator writes, for the instant the demo scans at', () => {
    expect(DEMO_NOW).toBe(ESTATE_NOW);
    for (const [name, text] of Object.entries(demoFiles())) expect(readFileSync(join(demo, name), 'utf8'), `${name}: run node examples/demo/estate.ts`).toBe(text);
  });

  it('writes every report, fires every rule, and exits 0', async () => {
    const out = tmp();
    const run = await cli(['demo', '--out', out, '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const file of ['report.json', 'report.html', 'report.sarif', 'summary.md']) expect(existsSync(join(out, file))).toBe(true);
    const report = readJson(join(out, 'report.json'));
    expect(report.complete).toBe(true);
    for (const rule of RULE_IDS) expect(report.summary.byRule[rule], rule).toBeGreaterThan(0);
    expect(run.stdout).toContain(join(out, 'report.html'));
  });
});

describe('dutybound scan', () => {
  it('exits 1 on findings at or above --fail-on, 0 below it', async () => {
    const out = tmp();
    const failing = await cli(['scan', ...demoArgs, '--now', NOW, '--out', out, '--quiet']);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/\d+ findings \(1 critical/);
    const people = join(tmp(), 'people.yaml');
    writeFileSync(people, 'people: []\n');
    const lowOnly = JSON.stringify({ ...demoInventory, entitlements: [], credentials: [] });
    const inventory = join(tmp(), 'inventory.json');
    writeFileSync(inventory, lowOnly);
    const clean = await cli(['scan', '--inventory', inventory, '--now', NOW, '--out', tmp(), '--fail-on', 'critical', '--quiet']);
    expect(clean.code).toBe(0);
  });

  it('writes one format to stdout with --out -, valid against the report schema', async () => {
    const run = await cli(['scan', ...demoArgs, '--now', NOW, '--out', '-', '--format', 'json', '--quiet']);
    const report = JSON.parse(run.stdout);
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(readJson(join(root, 'reports/schema/report.schema.json')));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.now).toBe('2026-11-16T10:00:00.000Z');
    expect(run.stderr).toMatch(/findings/);
  });

  it('gives the same bytes for the same inputs, except generatedAt', async () => {
    const [a, b] = [tmp(), tmp()];
    await cli(['scan', ...demoArgs, '--now', NOW, '--out', a, '--quiet']);
    await cli(['scan', ...demoArgs, '--now', NOW, '--out', b, '--quiet']);
    const stamps = [a, b].map((dir) => readJson(join(dir, 'report.json')).generatedAt as string);
    expect(stamps[0]).not.toBe('');
    for (const file of ['report.json', 'report.html', 'report.sarif', 'summary.md']) {
      const [first, second] = [a, b].map((dir, index) => readFileSync(join(dir, file), 'utf8').replaceAll(stamps[index]!, 'GENERATED_AT'));
      expect(first, file).toBe(second);
    }
  });

  it('exits 2 naming the file and line of a malformed ledger row, and writes nothing', async () => {
    const dir = tmp();
    const ledger = join(dir, 'grants.csv');
    writeFileSync(ledger, 'id,subject,system,target,privilege,start,end\nG-1,a@x.io,aws,*,Admin,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z\nG-2,b@x.io,aws,*,Admin,2026-11-01 10:00,2026-11-02T00:00:00Z\n');
    const out = join(dir, 'out');
    const run = await cli(['scan', '--inventory', join(demo, 'inventory.json'), '--ledger', ledger, '--now', NOW, '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/grants\.csv:3/);
    expect(run.stderr).toMatch(/start/);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 on a --now without an offset, an unknown option, and an inventory with a bad field', async () => {
    expect((await cli(['scan', ...demoArgs, '--now', '2026-11-16T10:00:00'])).code).toBe(2);
    expect((await cli(['scan', ...demoArgs, '--now', '2026-02-30T10:00:00Z'])).code).toBe(2);
    const unknown = await cli(['scan', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/bogus/);
    const bad = join(tmp(), 'inventory.json');
    writeFileSync(bad, JSON.stringify({ ...demoInventory, principals: [{ ...demoInventory.principals[0], system: 'azure' }] }));
    const run = await cli(['scan', '--inventory', bad, '--now', NOW, '--out', tmp()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/principals\.0\.system/);
  });

  it('judges an inventory at its collectedAt without --now, says so, and lets --now win', async () => {
    const atCollection = await cli(['scan', ...demoArgs, '--out', '-', '--format', 'json', '--quiet']);
    expect(JSON.parse(atCollection.stdout).now).toBe(demoInventory.collectedAt);
    expect(atCollection.stderr.split('\n').filter((line) => line.includes('collectedAt'))).toEqual([
      `dutybound: judging the inventory at its collectedAt ${demoInventory.collectedAt}; pass --now to judge it at another instant`,
    ]);
    const atNow = await cli(['scan', ...demoArgs, '--now', '2026-12-01T00:00:00Z', '--out', '-', '--format', 'json', '--quiet']);
    expect(JSON.parse(atNow.stdout).now).toBe('2026-12-01T00:00:00.000Z');
    expect(atNow.stderr).not.toContain('collectedAt');
  });

  it('exits 3 and marks the report incomplete when a connector failed', async () => {
    const inventory = join(tmp(), 'inventory.json');
    writeFileSync(inventory, JSON.stringify({ ...demoInventory, coverage: [...demoInventory.coverage, { system: 'github', target: 'other-org', status: 'failed', error: '403 Resource not accessible by integration' }] }));
    const out = tmp();
    const run = await cli(['scan', '--inventory', inventory, '--now', NOW, '--out', out, '--quiet']);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/INCOMPLETE[\s\S]*github:other-org failed/);
    expect(readJson(join(out, 'report.json')).complete).toBe(false);
  });

  it('narrows to one system or target with --only, its grants included', async () => {
    const run = await cli(['scan', ...demoArgs, '--now', NOW, '--out', '-', '--format', 'json', '--only', 'kubernetes:prod-eu', '--quiet']);
    const report = JSON.parse(run.stdout);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(new Set(report.findings.map((finding: { target: string }) => finding.target))).toEqual(new Set(['prod-eu']));
  });

  it('exits 2 when --only names nothing that was read, listing what was', async () => {
    const out = tmp();
    const run = await cli(['scan', ...demoArgs, '--now', NOW, '--out', out, '--only', 'kubernetes:prdo']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--only kubernetes:prdo[\s\S]*kubernetes:prod-eu/);
    expect(existsSync(join(out, 'report.json'))).toBe(false);
  });

  it('marks new and resolved findings against a --baseline', async () => {
    const first = tmp();
    await cli(['scan', ...demoArgs, '--now', NOW, '--out', first, '--quiet']);
    const later = await cli(['scan', ...demoArgs, '--now', '2026-11-16T16:00:00Z', '--out', '-', '--format', 'json', '--baseline', join(first, 'report.json'), '--quiet']);
    const report = JSON.parse(later.stdout);
    expect(report.drift).toBeDefined();
    // Six hours later gus's self-approved grant has ended: its hygiene finding is resolved, and the access now outlived it.
    expect(report.drift.removed.length).toBeGreaterThan(0);
    expect(report.findings.some((finding: { new: boolean }) => finding.new === true)).toBe(true);
    expect(report.findings.some((finding: { new: boolean }) => finding.new === false)).toBe(true);
  });

  describe('with a schedule feed over HTTP', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url === '/oncall.ics') res.end(readFileSync(join(demo, 'oncall.ics')));
        else res.writeHead(503).end('unavailable');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('reads a reachable feed like a file', async () => {
      const run = await cli(['scan', ...demoArgs.slice(0, 4), '--schedule', `${base}/oncall.ics`, '--people', join(demo, 'people.yaml'), '--now', NOW, '--out', '-', '--format', 'json', '--quiet']);
      const report = JSON.parse(run.stdout);
      expect(report.complete).toBe(true);
      expect(report.summary.byRule['off-call']).toBe(2);
    });

    it('exits 3 when a feed fails, never reporting it as clean', async () => {
      const out = tmp();
      const run = await cli(['scan', ...demoArgs, '--schedule', `${base}/missing.ics`, '--now', NOW, '--out', out, '--quiet']);
      expect(run.code).toBe(3);
      const report = readJson(join(out, 'report.json'));
      expect(report.complete).toBe(false);
      expect(report.coverage.find((row: { status: string }) => row.status === 'failed')).toMatchObject({ system: 'schedule' });
    });
  });
});

describe('dutybound validate, rules and --help', () => {
  it('validate counts what it read and exits 0', async () => {
    const run = await cli(['validate', '--config', join(demo, 'dutybound.yaml'), '--now', NOW]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ledger: \d+ grants/);
    expect(run.stdout).toMatch(/schedule: \d+ shifts in 1 schedule \(platform-primary\)/);
  });

  it('validate warns about a grant bound to a schedule nobody provides', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'grants.yaml'), '- id: OC-1\n  subject: a@x.io\n  system: aws\n  onCall: primray\n  start: 2026-11-01T00:00:00Z\n  end: 2026-11-02T00:00:00Z\n');
    const run = await cli(['validate', '--ledger', join(dir, 'grants.yaml'), '--schedule', join(demo, 'oncall.ics'), '--now', NOW], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/WARNING grant OC-1 \(grants\.yaml:1\): onCall schedule "primray" has no shifts[^\n]*platform-primary/);
  });

  it('validate reports the problems of every source at once', async () => {
    const dir = tmp();
    const run = await cli(['validate', '--ledger', join(dir, 'missing.yaml'), '--people', join(dir, 'nobody.yaml')], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/missing\.yaml/);
    expect(run.stderr).toMatch(/nobody\.yaml/);
  });

  it('validate reports every malformed row with file and line, exit 2', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'grants.yaml'), '- id: A\n  subject: a@x.io\n  system: aws\n  start: 2026-11-01T00:00:00Z\n  end: yesterday\n- id: A\n  subject: b@x.io\n  system: gcp\n  start: 2026-11-01T00:00:00Z\n  end: 2026-11-02T00:00:00Z\n');
    const run = await cli(['validate', '--ledger', join(dir, 'grants.yaml')], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/grants\.yaml:5/);
    expect(run.stderr).toMatch(/grants\.yaml:8/);
  });

  it('rules prints the whole catalogue from the rules metadata', async () => {
    const run = await cli(['rules']);
    expect(run.code).toBe(0);
    for (const rule of RULE_IDS) expect(run.stdout).toContain(rule);
    const json = JSON.parse((await cli(['rules', '--json'])).stdout);
    expect(json.map((rule: { id: string }) => rule.id)).toEqual([...RULE_IDS]);
  });

  it('--help explains commands and exit codes', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['scan', 'collect', 'validate', 'rules', 'demo']) expect(top.stdout).toContain(command);
    const scan = await cli(['scan', '--help']);
    expect(scan.stdout).toMatch(/Exit codes: 0 clean; 1 findings/);
    expect((await cli([])).code).toBe(2);
  });
});

describe('the installed entry point', () => {
  const entry = (nodeVersion: string | undefined, args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      const pretend = nodeVersion ? ['--import', `data:text/javascript,Object.defineProperty(process.versions,'node',{value:'${nodeVersion}'})`] : [];
      execFile(process.execPath, [...pretend, join(root, 'bin/dutybound.js'), ...args], { cwd: root }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });

  it('on a Node older than it needs, prints one line naming the Node it needs and how to get it, and exits 2', async () => {
    for (const version of ['20.19.5', '22.17.0']) {
      for (const args of [['--version'], ['scan', '--inventory', 'x.json']]) {
        const run = await entry(version, args);
        expect(run.code).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(new RegExp(`^dutybound: needs Node\\.js 22\\.18 or newer .*this is Node\\.js ${version.replaceAll('.', '\\.')}\\. Install Node 24.*npx dutybound`))]);
      }
    }
  });

  it('runs on the Node it needs', async () => {
    for (const version of ['22.18.0', undefined]) {
      const run = await entry(version, ['--version']);
      expect(run.code).toBe(0);
      expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    }
  });
});
