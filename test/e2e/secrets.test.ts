// No secret leaves: a feed's path token (written in the config or substituted from the
// environment), a Set-Cookie a failing Kubernetes API server sends, and the GitHub token never
// appear in stdout, stderr or any report format, whether the request succeeded or failed.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubFake, type GithubFake } from '../../src/sim/github/fake.ts';
import { createKubernetesEstate } from '../../src/sim/kubernetes/estate.ts';
import { kubeconfigFor } from '../../src/sim/kubernetes/server.ts';
import { startFakeServer, type FakeServer } from '../../src/sim/server.ts';
import { smallEstate } from '../github/estate.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = (args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'src/cli.ts'), ...args], { cwd: root, timeout: 60_000, env: { ...process.env, NO_COLOR: '1', ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });

const SECRETS = {
  pathToken: 'PATHtokenLettersOnly',
  envFeedToken: 'Xk29Rb5vQ1envfeed',
  cookie: 'COOKIEsessionQ7Zp',
  githubToken: 'ghp_ENVsecretTokenW4rT',
};
const ics = readFileSync(join(root, 'connectors/ical/__fixtures__/payments-primary.ics'), 'utf8');

let feeds: FakeServer;
let apiServer: FakeServer;
let github: GithubFake;
let dir: string;
beforeAll(async () => {
  feeds = await startFakeServer((request) =>
    request.path.includes(SECRETS.pathToken) ? { status: 200, headers: { 'content-type': 'text/calendar' }, body: ics } : { status: 404, body: `no feed at ${request.path}` },
  );
  // A Kubernetes API server that refuses the scanner and sets a session cookie while at it.
  apiServer = await startFakeServer(() => ({
    status: 401,
    headers: { 'set-cookie': `session=${SECRETS.cookie}; HttpOnly`, 'www-authenticate': `Bearer realm="${SECRETS.cookie}"` },
    body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `Unauthorized ${SECRETS.cookie}`, reason: 'Unauthorized', code: 401 },
  }));
  // A GitHub that does not accept the token: the failure must not echo it.
  github = await startGithubFake(smallEstate(), { token: 'another-token' });
  dir = mkdtempSync(join(tmpdir(), 'dutybound-secrets-'));
  writeFileSync(join(dir, 'kubeconfig'), kubeconfigFor([{ context: 'prod', fake: { url: apiServer.url, estate: createKubernetesEstate(1, 1, 'prod') } }]));
  writeFileSync(
    join(dir, 'dutybound.yaml'),
    [
      'schedule:',
      `  - "${feeds.url}/feeds/${SECRETS.pathToken}/oncall.ics"`,
      `  - "${feeds.url}/ok/\${FEED_TOKEN}.ics?key=\${FEED_TOKEN}"`,
      'network: { retries: 0 }',
      `github: { orgs: [acme], baseUrl: "${github.url}", requestsPerMinute: 0 }`,
      'kubernetes: { kubeconfig: kubeconfig, contexts: [prod] }',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await feeds.close();
  await apiServer.close();
  await github.close();
});

describe('no secret leaves', () => {
  it('keeps path tokens, cookies and environment secrets out of stdout, stderr and every report', async () => {
    const out = join(dir, 'out');
    const run = await cli(['scan', '--config', join(dir, 'dutybound.yaml'), '--out', out, '--progress', '--now', '2026-11-23T00:00:00Z'], {
      GITHUB_TOKEN: SECRETS.githubToken,
      FEED_TOKEN: SECRETS.envFeedToken,
    });
    expect(run.code).toBe(3);
    const reports = readdirSync(out).sort();
    expect(reports).toEqual(['report.html', 'report.json', 'report.sarif', 'summary.md']);
    const outputs: Record<string, string> = { stdout: run.stdout, stderr: run.stderr, ...Object.fromEntries(reports.map((name) => [name, readFileSync(join(out, name), 'utf8')])) };
    for (const [where, text] of Object.entries(outputs)) for (const [what, secret] of Object.entries(SECRETS)) expect(text.includes(secret), `${what} in ${where}`).toBe(false);
    // What was there to leak was read: the feed with the path token loaded, the others failed by status.
    const report = JSON.parse(outputs['report.json']!) as { coverage: { system: string; target: string; status: string; error?: string }[] };
    expect(report.coverage).toEqual(
      expect.arrayContaining([
        { system: 'schedule', target: `${feeds.url}/feeds/***/oncall.ics`, status: 'ok' },
        { system: 'schedule', target: `${feeds.url}/***/***?key=***`, status: 'failed', error: 'HTTP 404 Not Found' },
        expect.objectContaining({ system: 'kubernetes', target: 'prod', status: 'failed', error: expect.stringMatching(/401 unauthorized/) }),
        expect.objectContaining({ system: 'github', target: 'acme', status: 'failed', error: expect.stringMatching(/^read organization acme: 401/) }),
      ]),
    );
    expect(run.stderr).toMatch(/kubernetes prod: .*401/);
  });
});
