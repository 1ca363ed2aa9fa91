// `dutybound scan` end to end with a kubernetes: section: the CLI in its own process reads a
// kubeconfig pointing at the fake API server, and the reports carry the cluster's findings.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapObjects, clusterRoleBinding, roleBinding, serviceAccount, tokenSecret, type KubernetesEstate } from '../../src/sim/kubernetes/estate.ts';
import { kubeconfigFor, startKubernetesFake, type KubernetesFake } from '../../src/sim/kubernetes/server.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = (args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'src/cli.ts'), ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });

const user = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });
const estate: KubernetesEstate = {
  name: 'prod',
  token: 'token-prod',
  identity: { username: 'system:serviceaccount:dutybound:scanner', groups: [] },
  objects: [
    ...bootstrapObjects(),
    clusterRoleBinding('oncall-jane', 'cluster-admin', [user('jane@example.com')], {
      annotations: { 'dutybound.io/expires-at': '2026-11-16T06:00:00Z', 'dutybound.io/grant-id': 'JIT-7' },
    }),
    roleBinding('team-a', 'editors', 'ClusterRole', 'edit', [user('bob@example.com'), user('carl@example.com')]),
    serviceAccount('ci', 'deployer', ['deployer-token']),
    tokenSecret('ci', 'deployer-token', 'deployer'),
  ],
};

let fake: KubernetesFake;
let dir: string;
beforeAll(async () => {
  fake = await startKubernetesFake(estate);
  dir = mkdtempSync(join(tmpdir(), 'dutybound-k8s-scan-'));
  writeFileSync(join(dir, 'kubeconfig'), kubeconfigFor([{ context: 'prod', fake }]));
  writeFileSync(
    join(dir, 'grants.yaml'),
    [
      '- id: G-1',
      '  subject: bob@example.com',
      '  system: kubernetes',
      '  target: prod',
      '  resource: team-a',
      '  privilege: ClusterRole/edit',
      '  kind: standing',
      '  reviewBy: 2027-01-01T00:00:00Z',
      '  approver: lead@example.com',
      '  ticket: SEC-1',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'dutybound.yaml'), ['ledger: [grants.yaml]', 'kubernetes:', '  kubeconfig: kubeconfig', '  contexts: [prod]', ''].join('\n'));
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dutybound scan with a kubernetes section', () => {
  it('reports the outlived JIT binding as expired-grant, unapproved privilege as standing, the approved one not at all', async () => {
    const run = await cli(['scan', '--now', '2026-11-16T10:00:00Z', '--out', join(dir, 'out'), '--format', 'json', '--quiet'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as {
      complete: boolean;
      coverage: Array<{ system: string; target: string; status: string }>;
      findings: Array<{ rule: string; principal: string; privilege?: string; grant?: string; person: string | null }>;
    };
    expect(report.complete).toBe(true);
    expect(report.coverage).toContainEqual(expect.objectContaining({ system: 'kubernetes', target: 'prod', status: 'ok' }));
    const find = (principal: string) => report.findings.filter((finding) => finding.principal === `kubernetes:prod/${principal}`).map((finding) => finding.rule);
    expect(report.findings.find((finding) => finding.principal === 'kubernetes:prod/User:jane@example.com')).toMatchObject({
      rule: 'expired-grant',
      grant: 'JIT-7',
      privilege: 'ClusterRole/cluster-admin',
      person: 'jane@example.com',
    });
    expect(find('User:carl@example.com')).toContain('standing-privilege');
    expect(find('User:bob@example.com')).not.toContain('standing-privilege');
    expect(find('Group:system:masters')).toContain('standing-privilege');
  });

  it('exits 3 with the cluster marked partial when secrets are forbidden', async () => {
    const locked = await startKubernetesFake(estate, { faults: { forbidden: ['secrets'] } });
    try {
      writeFileSync(join(dir, 'locked.kubeconfig'), kubeconfigFor([{ context: 'prod', fake: locked }]));
      writeFileSync(join(dir, 'locked.yaml'), ['ledger: [grants.yaml]', 'kubernetes:', '  kubeconfig: locked.kubeconfig', '  contexts: [prod]', ''].join('\n'));
      const run = await cli(['scan', '--config', 'locked.yaml', '--now', '2026-11-16T10:00:00Z', '--out', join(dir, 'locked'), '--format', 'json', '--quiet'], dir);
      expect(run.code).toBe(3);
      const report = JSON.parse(readFileSync(join(dir, 'locked', 'report.json'), 'utf8')) as { complete: boolean; coverage: Array<{ target: string; status: string; error?: string }> };
      expect(report.complete).toBe(false);
      expect(report.coverage).toContainEqual(expect.objectContaining({ target: 'prod', status: 'partial', error: expect.stringContaining('secrets: 403 forbidden') }));
    } finally {
      await locked.close();
    }
  });
});
