// The example workflows and action.yml: valid for GitHub (the action-validator schemas), and written the
// way the README promises (no expression inside a shell script, uploads that run whatever the scan found).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateAction, validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const workflowDir = join(root, '.github/workflows');
const workflows = readdirSync(workflowDir).filter((name) => name.endsWith('.yml'));
const read = (name: string) => readFileSync(join(workflowDir, name), 'utf8');

/** The current major of every action the workflows use. */
const CURRENT_MAJORS: Record<string, string> = {
  'actions/checkout': 'v7',
  'actions/setup-node': 'v6',
  'actions/upload-artifact': 'v7',
  'actions/download-artifact': 'v8',
  'actions/cache/restore': 'v6',
  'actions/cache/save': 'v6',
  'actions/create-github-app-token': 'v3',
  'aws-actions/configure-aws-credentials': 'v6',
  'github/codeql-action/upload-sarif': 'v4',
  'dutybound/dutybound': 'v1',
};

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  id?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  steps: Step[];
}
const jobsOf = (name: string): Record<string, Job> => parse(read(name)).jobs;
const stepsOf = (name: string): Step[] => Object.values(jobsOf(name)).flatMap((job) => job.steps);

describe('the workflows', () => {
  it.each(workflows)('%s is a valid workflow', (name) => {
    expect(validateWorkflow(read(name)).errors).toEqual([]);
  });

  it('action.yml is a valid action', () => {
    const text = readFileSync(join(root, 'action.yml'), 'utf8');
    expect(text).toMatch(/^ {2}using: node24$/m);
    // The validator's schema predates node24 (the runner has taken it since 2.327.1): check the rest with its predecessor.
    expect(validateAction(text.replace(/^ {2}using: node24$/m, '  using: node20')).errors).toEqual([]);
  });

  it.each(workflows)('%s uses the current major of every action', (name) => {
    for (const step of stepsOf(name).filter((s) => s.uses)) {
      const [action, version] = step.uses!.split('@');
      expect(CURRENT_MAJORS[action!], `${name}: ${step.uses} is not in the table`).toBeDefined();
      expect(version, `${name}: ${step.uses}`).toBe(CURRENT_MAJORS[action!]);
    }
  });

  it.each(workflows)('%s puts no expression inside a shell script (values reach scripts through env)', (name) => {
    for (const step of stepsOf(name).filter((s) => s.run)) expect(step.run, `${name}: ${step.run}`).not.toContain('${{');
  });

  it.each(['nightly.yml', 'nightly-sharded.yml'])('%s grants nothing at the top and only what each job needs', (name) => {
    const workflow = parse(read(name));
    expect(workflow.permissions).toEqual({});
    const allowed = new Set(['contents:read', 'actions:read', 'id-token:write', 'security-events:write']);
    for (const job of Object.values(jobsOf(name))) for (const [scope, level] of Object.entries(job.permissions ?? {})) expect(allowed, `${name}: ${scope}: ${level}`).toContain(`${scope}:${level}`);
  });

  it.each(['nightly.yml', 'nightly-sharded.yml'])('%s runs nightly and by hand, and uploads SARIF with a category and the reports whatever the scan found', (name) => {
    const workflow = parse(read(name));
    expect(Object.keys(workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    const steps = stepsOf(name);
    const sarif = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    expect(sarif.if).toMatch(/^always\(\) && steps\.dutybound\.outputs\.report-sarif != ''$/);
    expect(sarif.with?.category).toMatch(/^dutybound/);
    expect(steps.find((s) => s.uses?.startsWith('actions/upload-artifact') && s.with?.name === 'dutybound-report')?.if).toMatch(/^always\(\)/);
  });

  it('nightly.yml gets AWS through OIDC, GitHub through an App token, kubeconfig from a secret, and carries state', () => {
    const steps = stepsOf('nightly.yml');
    const aws = steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials'))!;
    expect(aws.with?.['role-to-assume']).toBe('${{ secrets.DUTYBOUND_AWS_ROLE_ARN }}');
    expect(jobsOf('nightly.yml').scan!.permissions?.['id-token']).toBe('write');
    const app = steps.find((s) => s.uses?.startsWith('actions/create-github-app-token'))!;
    expect(steps.find((s) => s.id === 'dutybound')?.env?.GITHUB_TOKEN).toBe(`\${{ steps.${app.id}.outputs.token }}`);
    expect(steps.find((s) => s.env?.KUBECONFIG_DATA)?.env?.KUBECONFIG_DATA).toBe('${{ secrets.DUTYBOUND_KUBECONFIG }}');
    const download = steps.find((s) => s.uses?.startsWith('actions/download-artifact'))!;
    expect(download.with).toMatchObject({ name: 'dutybound-state', 'run-id': '${{ steps.previous.outputs.run-id }}' });
    expect(steps.find((s) => s.id === 'dutybound')?.with?.state).toBe('.dutybound-state/dutybound-state.db');
    expect(steps.filter((s) => s.with?.name === 'dutybound-state' && s.uses?.startsWith('actions/upload-artifact'))).toHaveLength(1);
  });

  it('nightly-sharded.yml collects one account per matrix job and scans the shards together', () => {
    const jobs = jobsOf('nightly-sharded.yml');
    const collect = parse(read('nightly-sharded.yml')).jobs.collect;
    expect(collect.strategy.matrix.account).toBe('${{ fromJSON(vars.DUTYBOUND_AWS_ACCOUNTS) }}');
    expect(collect.strategy['fail-fast']).toBe(false);
    expect(jobs.collect!.steps.find((s) => s.run?.includes('collect'))?.run).toContain('--only "aws:$ACCOUNT"');
    expect(jobs.scan!.steps.find((s) => s.id === 'dutybound')?.with?.inventory).toBe('shards/shard-*.json');
  });
});
