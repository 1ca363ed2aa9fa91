// An offline security review from the user's side: exports in, `collect` to an inventory, and
// `scan --inventory` giving exactly what a direct scan of the exports gives.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findRealData } from '../realdata.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(root, 'connectors/aws/__fixtures__');
const realExport = findRealData('awsAuthorizationDetails', 'the third-party AWS export case of test/e2e/offline-review.test.ts');
const exportsToReview = [
  { name: 'our own export', account: '111122223333', authorizationDetails: join(fixtures, 'authorization-details.json'), credentialReport: join(fixtures, 'credential-report-111122223333.csv'), note: 'root user last used 2026-10-02T07:12:00.000Z' },
  ...(realExport ? [{ name: 'a third-party export', account: '200611803367', authorizationDetails: realExport, credentialReport: join(fixtures, 'credential-report.csv'), note: 'root user has an active access key' }] : []),
];

const cli = (args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'src/cli.ts'), ...args], { cwd }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });

describe('offline review of an AWS account export', () => {
  it.each(exportsToReview)('collect then scan --inventory equals a direct scan, and the inventory is stable: $name', async (review) => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-offline-'));
    writeFileSync(
      join(dir, 'dutybound.yaml'),
      [
        'aws:',
        '  exports:',
        `    - account: "${review.account}"`,
        `      authorizationDetails: ${JSON.stringify(review.authorizationDetails)}`,
        `      credentialReport: ${JSON.stringify(review.credentialReport)}`,
        '',
      ].join('\n'),
    );
    const now = '2026-11-16T10:00:00Z';
    const collected = await cli(['collect', '--out', 'inventory.json', '--now', now, '--quiet'], dir);
    expect(collected.stderr).toMatch(/wrote .*inventory\.json/);
    expect(collected.code).toBe(0);
    const inventory = JSON.parse(readFileSync(join(dir, 'inventory.json'), 'utf8'));
    expect(inventory.coverage).toMatchObject([{ system: 'aws', target: review.account, status: 'ok' }]);
    expect(inventory.coverage[0].notes).toContain(review.note);
    expect(inventory.entitlements.length).toBeGreaterThan(15);

    const again = await cli(['collect', '--out', '-', '--now', now, '--quiet'], dir);
    expect(again.stdout).toBe(readFileSync(join(dir, 'inventory.json'), 'utf8'));

    const direct = await cli(['scan', '--now', now, '--out', '-', '--format', 'json', '--quiet'], dir);
    const viaInventory = await cli(['scan', '--inventory', 'inventory.json', '--now', now, '--out', '-', '--format', 'json', '--quiet'], dir);
    expect(direct.code).toBe(1);
    expect(viaInventory.code).toBe(1);
    const [a, b] = [direct, viaInventory].map((run) => JSON.parse(run.stdout));
    expect(b.findings).toEqual(a.findings);
    expect(a.summary.byRule['standing-privilege']).toBeGreaterThan(0);
    expect(a.summary.byRule['unowned-identity']).toBeGreaterThan(0);
  });
});
