// Sample rule catalogue, findings and reports for the renderer tests (not shipped behaviour).
import { RULE_IDS, SEVERITIES } from '../src/model/index.ts';
import type { Coverage, Finding, RuleId, Severity, System } from '../src/model/index.ts';
import type { RuleMeta } from '../src/rules/types.ts';
import { buildReport } from './build.ts';
import type { Report } from './types.ts';

const defaultSeverity: Record<RuleId, Severity> = {
  'revoked-grant': 'critical',
  'expired-grant': 'high',
  'off-call': 'high',
  'standing-privilege': 'high',
  'expired-exception': 'medium',
  'grant-hygiene': 'medium',
  'stale-credential': 'medium',
  'unused-credential': 'medium',
  'unused-privilege': 'low',
  'unowned-identity': 'medium',
  'break-glass-used': 'high',
};

/** A catalogue shaped like the real one (every rule id, plausible text). */
export const sampleRules: readonly RuleMeta[] = RULE_IDS.map((id) => ({
  id,
  title: id.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()),
  severity: defaultSeverity[id],
  description: `Fires on ${id.replace(/-/g, ' ')} conditions.`,
  remediation: `Remove the access behind ${id}, or record an approved grant in the ledger.`,
}));

const systems: readonly System[] = ['aws', 'github', 'kubernetes'];
const targets: Record<System, string> = { aws: '123456789012', github: 'acme', kubernetes: 'prod' };
const principalOf = (system: System, n: number): string =>
  system === 'aws'
    ? `aws:arn:aws:iam::123456789012:user/user-${n}`
    : system === 'github'
      ? `github:acme/user-${n}`
      : `kubernetes:prod/User:user-${n}@example.com`;

/** A deterministic mix of findings: every severity and rule, credential and entitlement findings. */
export const sampleFindings = (count: number): Finding[] =>
  Array.from({ length: count }, (_, n): Finding => {
    const rule = RULE_IDS[n % RULE_IDS.length] as RuleId;
    const system = systems[n % systems.length] as System;
    const severity = SEVERITIES[(n * 7) % SEVERITIES.length] as Severity;
    const credential = rule === 'stale-credential' || rule === 'unused-credential';
    const finding: Finding = {
      id: `${rule}:${String(n).padStart(6, '0')}`,
      rule,
      severity,
      system,
      target: targets[system],
      principal: principalOf(system, n % 97),
      person: n % 5 === 0 ? null : `user-${n % 97}@example.com`,
      message: `Finding ${n}: ${rule} on ${principalOf(system, n % 97)}`,
    };
    if (credential) finding.credential = `${system}:${targets[system]}/key-${n}`;
    else {
      finding.privilege = system === 'aws' ? 'AdministratorAccess' : system === 'github' ? 'org-owner' : 'ClusterRole/cluster-admin';
      finding.resource = n % 2 === 0 ? '*' : `repo-${n % 13}`;
    }
    if (n % 3 === 0) finding.grant = `G-${n}`;
    if (rule === 'off-call') finding.schedule = 'primary';
    if (n % 4 !== 1) finding.since = `2026-11-${String(1 + (n % 20)).padStart(2, '0')}T08:00:00Z`;
    if (n % 2 === 0) finding.remediation = `Revoke ${rule} access for user-${n % 97}.`;
    if (n % 3 === 0) finding.evidence = { grant: `G-${n}`, ended: '2026-11-20T10:00:00Z' };
    return finding;
  });

export const sampleCoverage = (failed = false): Coverage[] => [
  { system: 'aws', target: '123456789012', status: 'ok' },
  { system: 'github', target: 'acme', status: failed ? 'failed' : 'ok', ...(failed ? { error: 'GET /orgs/acme/members: 403 Resource not accessible' } : {}) },
  { system: 'kubernetes', target: 'prod', status: failed ? 'partial' : 'ok', ...(failed ? { error: 'rolebindings in kube-system: forbidden' } : {}), notes: ['3 namespaces'] },
  { system: 'ledger', target: 'grants.yaml', status: 'ok' },
];

export const sampleReport = (count: number, options: { failed?: boolean; findings?: Finding[]; baseline?: Report } = {}): Report =>
  buildReport({
    now: '2026-11-22T12:00:00Z',
    generatedAt: '2026-11-22T12:00:03.250Z',
    version: '0.1.0',
    findings: options.findings ?? sampleFindings(count),
    coverage: sampleCoverage(options.failed),
    rules: sampleRules,
    ...(options.baseline ? { baseline: options.baseline } : {}),
  });

/** A finding whose every text field tries to break out of its output format. */
export const hostileFinding: Finding = {
  id: 'off-call:hostile',
  rule: 'off-call',
  severity: 'critical',
  system: 'github',
  target: 'acme|corp',
  principal: '<script>alert(1)</script>',
  person: 'eve"@example.com',
  privilege: 'repo-admin`whoami`',
  resource: '<img src=x onerror=alert(2)>',
  grant: "G-1' onmouseover='alert(3)",
  schedule: 'primary | secondary',
  since: '2026-11-20T10:00:00Z',
  message: 'x" onerror="alert(4) | and\na second line with `code` and [a link](https://evil.example/)',
  remediation: '</td></tr></table><h1>injected</h1>',
  evidence: { '<b>key</b>': '<i>value</i> | pipe', shift: 'line1\r\nline2' },
};
