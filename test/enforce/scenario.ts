// A small company for enforce tests: one AWS account and one Kubernetes cluster on the simulated
// estate, a ledger written around NOW, and a config file. Each shared object is shared for a
// reason: a group with another member, a binding with two subjects, a role with two policies, a
// user with two keys.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { stringify } from 'yaml';
import { awsConnector } from '../../connectors/aws/index.ts';
import { collectAws } from '../../connectors/aws/collect.ts';
import { createAwsRevokers } from '../../connectors/aws/revoke.ts';
import { kubernetesConnector } from '../../connectors/kubernetes/index.ts';
import type { CollectContext, PrivilegeConnector } from '../../connectors/types.ts';
import type { AwsConfig } from '../../connectors/aws/schema.ts';
import type { Io } from '../../src/commands/io.ts';
import type { System } from '../../src/model/index.ts';
import type { FakeAwsEstate, FakeKey, FakeUser } from '../../src/sim/aws/estate.ts';
import { startAwsFake, type AwsFake, type AwsFaults } from '../../src/sim/aws/server.ts';
import { bootstrapObjects, clusterRoleBinding, roleBinding, type KubernetesEstate } from '../../src/sim/kubernetes/estate.ts';
import { kubeconfigFor, startKubernetesFake, type KubernetesFake } from '../../src/sim/kubernetes/server.ts';

export const NOW = '2026-11-20T12:00:00Z';
export const ACCOUNT = '111111111111';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const hours = (n: number) => new Date(Date.parse(NOW) + n * 3_600_000).toISOString().replace(/\.000Z$/, 'Z');
const days = (n: number) => hours(n * 24);

const key = (id: string, createdAt: string): FakeKey => ({ id, createdAt, active: true, lastUsed: days(-1) });
const user = (name: string, extra: Partial<FakeUser> = {}): FakeUser => ({
  name,
  path: '/',
  createdAt: days(-400),
  groups: [],
  attached: [],
  inline: [],
  tags: [{ Key: 'email', Value: `${name}@example.com` }],
  mfa: true,
  keys: [],
  ...extra,
});

export const awsEstate = (): FakeAwsEstate => ({
  managementAccount: ACCOUNT,
  roleName: 'DutyboundReadOnly',
  accounts: [
    {
      id: ACCOUNT,
      name: 'prod',
      status: 'ACTIVE',
      policies: [
        { name: 'AdministratorAccess', arn: ADMIN, path: '/', createdAt: '2015-02-06T18:39:46.000Z', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
        { name: 'ReadOnlyAccess', arn: READ_ONLY, path: '/', createdAt: '2015-02-06T18:39:48.000Z', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 'iam:Get*'], Resource: '*' }] } },
      ],
      groups: [{ name: 'admins', createdAt: days(-900), attached: [ADMIN], inline: [] }],
      users: [
        user('bob', { groups: ['admins'] }), // expired grant: leaves the group
        user('carol', { groups: ['admins'] }), // the other member, covered: stays
        user('dave', { keys: [key('AKIA0000000000DAVE01', days(-200)), key('AKIA0000000000DAVE02', days(-10))] }), // one stale key of two
        user('frank', { attached: [ADMIN] }), // overlapping grants: one expired, one active
      ],
      roles: [
        {
          name: 'deployer',
          path: '/',
          createdAt: days(-500),
          trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
          attached: [ADMIN, READ_ONLY], // AdministratorAccess expired; ReadOnlyAccess stays
          inline: [{ name: 'extra', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] } }], // grant revoked
          tags: [{ Key: 'owner', Value: 'platform@example.com' }],
          lastUsed: days(-1),
        },
      ],
      root: { createdAt: days(-1000), mfa: true, passwordLastUsed: null, keys: [] },
    },
  ],
});

const k8sUser = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });
export const kubernetesEstate = (): KubernetesEstate => ({
  name: 'prod',
  token: 'token-prod',
  identity: { username: 'system:serviceaccount:dutybound:scanner', groups: ['system:serviceaccounts', 'system:authenticated'] },
  objects: [
    ...bootstrapObjects(),
    clusterRoleBinding('ops', 'cluster-admin', [k8sUser('kim@example.com'), k8sUser('lee@example.com')]), // kim expired, lee covered
    roleBinding('team-a', 'solo', 'ClusterRole', 'edit', [k8sUser('max@example.com')]), // its only subject expired: deleted
    clusterRoleBinding('oncall-olga', 'cluster-admin', [k8sUser('olga@example.com')]), // on-call grant, olga off call
  ],
});

const grant = (id: string, subject: string, system: System, target: string, privilege: string, start: string, end: string, extra: Record<string, unknown> = {}) => ({
  id,
  subject,
  system,
  target,
  privilege,
  start,
  end,
  approver: 'lead@example.com',
  ticket: `T-${id}`,
  ...extra,
});

export const ledger = () => [
  grant('G-bob', 'bob@example.com', 'aws', ACCOUNT, 'AdministratorAccess', days(-10), days(-2)),
  grant('G-carol', 'carol@example.com', 'aws', ACCOUNT, 'AdministratorAccess', hours(-2), hours(6)),
  grant('G-frank-old', 'frank@example.com', 'aws', ACCOUNT, 'AdministratorAccess', days(-10), days(-3)),
  grant('G-frank-new', 'frank@example.com', 'aws', ACCOUNT, '*Access', hours(-1), hours(8)),
  grant('G-deployer', `aws:arn:aws:iam::${ACCOUNT}:role/deployer`, 'aws', ACCOUNT, 'AdministratorAccess', days(-5), days(-1)),
  grant('G-deployer-inline', `aws:arn:aws:iam::${ACCOUNT}:role/deployer`, 'aws', ACCOUNT, 'inline:extra', days(-5), hours(6), { revokedAt: days(-1) }),
  grant('G-kim', 'kim@example.com', 'kubernetes', 'prod', 'ClusterRole/cluster-admin', days(-3), days(-1)),
  grant('G-lee', 'lee@example.com', 'kubernetes', 'prod', 'ClusterRole/cluster-admin', hours(-3), hours(5)),
  grant('G-olga', 'olga@example.com', 'kubernetes', 'prod', 'ClusterRole/cluster-admin', days(-30), days(30), { onCall: 'platform' }),
  grant('G-max', 'max@example.com', 'kubernetes', 'prod', 'ClusterRole/edit', days(-3), days(-1), { resource: 'team-a' }),
];

/** Olga's last shift ended five hours before NOW. */
export const schedule = () => [{ schedule: 'platform', person: 'olga@example.com', start: days(-1), end: hours(-5) }];

export interface Scenario {
  dir: string;
  configPath: string;
  aws: AwsFake;
  /** The AWS fake's faults, read on each call: a test may change them. */
  awsFaults: AwsFaults;
  kubernetes: KubernetesFake;
  connectors: ReadonlyMap<System, PrivilegeConnector>;
  /** Every fake's whole state, as JSON text. */
  dump(): { aws: unknown; kubernetes: unknown };
  writeConfig(enforce: Record<string, unknown>, extra?: Record<string, unknown>): void;
  close(): Promise<void>;
}

export const startScenario = async (options: { awsFaults?: AwsFaults } = {}): Promise<Scenario> => {
  const awsFaults: AwsFaults = { reportPolls: 0, ...options.awsFaults };
  const aws = await startAwsFake(awsEstate(), { now: () => new Date(NOW), faults: awsFaults });
  const kubernetes = await startKubernetesFake(kubernetesEstate());
  const dir = mkdtempSync(join(tmpdir(), 'dutybound-enforce-'));
  writeFileSync(join(dir, 'kubeconfig'), kubeconfigFor([{ context: 'prod', fake: kubernetes }]));
  writeFileSync(join(dir, 'grants.yaml'), stringify(ledger()));
  writeFileSync(join(dir, 'schedule.yaml'), stringify(schedule()));
  const configPath = join(dir, 'dutybound.yaml');
  const awsOptions = { endpoint: aws.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, region: 'us-east-1' };
  const awsTest = {
    ...awsConnector,
    collect: (config: AwsConfig, ctx: CollectContext) => collectAws(config, ctx, { ...awsOptions, reportPollMs: 5 }),
    revokers: createAwsRevokers(awsOptions),
  } as unknown as PrivilegeConnector;
  const scenario: Scenario = {
    dir,
    configPath,
    aws,
    awsFaults,
    kubernetes,
    connectors: new Map<System, PrivilegeConnector>([
      ['aws', awsTest],
      ['kubernetes', kubernetesConnector as PrivilegeConnector],
    ]),
    dump: () => ({ aws: JSON.parse(JSON.stringify(aws.estate.accounts)), kubernetes: JSON.parse(JSON.stringify(kubernetes.objects())) }),
    writeConfig(enforce, extra = {}) {
      writeFileSync(
        configPath,
        stringify({ ledger: ['grants.yaml'], schedule: ['schedule.yaml'], aws: {}, kubernetes: { kubeconfig: 'kubeconfig', contexts: ['prod'] }, enforce: { auditLog: 'audit.jsonl', ...enforce }, ...extra }),
      );
    },
    close: async () => {
      await aws.close();
      await kubernetes.close();
    },
  };
  scenario.writeConfig({ enabled: true, rules: ['revoked-grant', 'expired-grant', 'off-call', 'stale-credential'] });
  return scenario;
};

/** An Io that keeps what a command prints. */
export const captureIo = (cwd: string): Io & { out(): string; err(): string } => {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  stdout.on('data', (chunk: Buffer) => chunks.out.push(chunk));
  stderr.on('data', (chunk: Buffer) => chunks.err.push(chunk));
  return {
    stdout,
    stderr,
    cwd,
    env: { ...process.env, AWS_REGION: 'us-east-1' },
    out: () => Buffer.concat(chunks.out).toString('utf8'),
    err: () => Buffer.concat(chunks.err).toString('utf8'),
  };
};
