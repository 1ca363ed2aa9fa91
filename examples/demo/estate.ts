// The demo company, Lumen Logistics: 3 AWS accounts, a GitHub org, 2 Kubernetes clusters,
// 30 people, a ledger, an ICS on-call rotation. Written around the demo instant so that every
// rule fires at least once. `node examples/demo/estate.ts` rewrites the files beside it; a
// test checks they are current.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Credential, Entitlement, Grant, Inventory, Principal } from '../../src/model/index.ts';

export const DEMO_NOW = '2026-11-16T10:00:00Z';
const nowMs = Date.parse(DEMO_NOW);
const hoursFromNow = (hours: number): string => new Date(nowMs + hours * 3_600_000).toISOString();
const daysAgo = (days: number): string => hoursFromNow(-days * 24);

const DOMAIN = 'lumen.example';
const PEOPLE = [
  'alice.ng', 'bruno.diaz', 'carla.rossi', 'dana.kim', 'erik.larsen', 'farah.haddad', 'gus.moreau', 'hana.sato', 'ivan.petrov', 'jade.okafor',
  'kai.berg', 'lena.fischer', 'mateo.silva', 'nora.quinn', 'omar.aziz', 'priya.rao', 'quentin.lee', 'rosa.garcia', 'sven.olsen', 'tara.walsh',
  'umar.khan', 'vera.novak', 'wes.turner', 'xena.park', 'yusuf.demir', 'zoe.martin', 'arno.vogel', 'bea.costa', 'cyril.dubois', 'dina.levi',
];
const email = (name: string): string => `${name}@${DOMAIN}`;
const ACCOUNTS = { prod: '210987654321', staging: '310987654321', shared: '410987654321' } as const;
const ORG = 'lumen-logistics';

const principals: Principal[] = [];
const entitlements: Entitlement[] = [];
const credentials: Credential[] = [];

const iamUser = (account: string, name: string, extra: Partial<Principal> = {}): string => {
  const id = `aws:arn:aws:iam::${account}:user/${name}`;
  principals.push({ id, system: 'aws', target: account, kind: 'user', human: true, name, ...(PEOPLE.includes(name) ? { email: email(name) } : {}), mfa: true, createdAt: daysAgo(400), lastUsedAt: daysAgo(1), ...extra });
  return id;
};
const iamRole = (account: string, name: string, extra: Partial<Principal> = {}): string => {
  const id = `aws:arn:aws:iam::${account}:role/${name}`;
  principals.push({ id, system: 'aws', target: account, kind: 'role', human: false, name, createdAt: daysAgo(500), lastUsedAt: daysAgo(2), ...extra });
  return id;
};
const awsPolicy = (principal: string, account: string, privilege: string, privileged: boolean, extra: Partial<Entitlement> = {}): void => {
  const level = privilege === 'AdministratorAccess' || privilege === 'IAMFullAccess' ? 'admin' : privileged ? 'write' : 'read';
  // The ref the AWS connector records: what enforce's revokers remove.
  const [, type, name] = /:(user|role)\/(.+)$/.exec(principal) ?? [];
  const ref = { action: `detach-${type}-policy`, account, [`${type}Name`]: name, policyArn: `arn:aws:iam::aws:policy/${privilege}` };
  entitlements.push({ principal, system: 'aws', target: account, resource: '*', privilege, level, privileged, via: 'direct', ref, ...extra });
};
const accessKey = (principal: string, account: string, id: string, extra: Partial<Credential>): void => {
  credentials.push({ id, system: 'aws', target: account, kind: 'access-key', principal, name: id, createdAt: daysAgo(30), lastUsedAt: daysAgo(1), status: 'active', ...extra });
};

// AWS production.
const prod = ACCOUNTS.prod;
awsPolicy(iamUser(prod, 'alice.ng'), prod, 'AdministratorAccess', true); // standing-privilege
awsPolicy(iamUser(prod, 'bruno.diaz'), prod, 'AdministratorAccess', true, { via: 'group/Admins', ref: { action: 'remove-user-from-group', account: prod, userName: 'bruno.diaz', groupName: 'Admins' } }); // expired-grant
awsPolicy(iamUser(prod, 'carla.rossi'), prod, 'IAMFullAccess', true); // revoked-grant
awsPolicy(iamUser(prod, 'dana.kim'), prod, 'AdministratorAccess', true); // on call: covered
awsPolicy(iamUser(prod, 'erik.larsen'), prod, 'AdministratorAccess', true); // off-call
awsPolicy(iamUser(prod, 'farah.haddad'), prod, 'ReadOnlyAccess', false);
awsPolicy(iamUser(prod, 'gus.moreau'), prod, 'PowerUserAccess', true); // grant self-approved
awsPolicy(iamUser(prod, 'hana.sato', { lastUsedAt: daysAgo(120) }), prod, 'AdministratorAccess', true); // unused-privilege (covered)
const deployer = iamRole(prod, 'ci-deployer');
awsPolicy(deployer, prod, 'PowerUserAccess', true); // expired-exception + unowned-identity
awsPolicy(iamRole(prod, 'OrganizationAccountAccessRole', { owner: email('kai.berg') }), prod, 'AdministratorAccess', true); // standing exception (current)
const glass = iamUser(prod, 'breakglass-admin', { human: true, breakGlass: true, email: undefined, owner: email('lena.fischer'), lastUsedAt: daysAgo(3) });
awsPolicy(glass, prod, 'AdministratorAccess', true);
credentials.push({ id: `aws:${prod}:breakglass-admin/console-password`, system: 'aws', target: prod, kind: 'console-password', principal: glass, name: 'breakglass-admin', createdAt: daysAgo(30), lastUsedAt: daysAgo(3), status: 'active' }); // break-glass-used
const reporting = iamUser(prod, 'svc-reporting', { human: false, email: undefined, owner: email('mateo.silva'), lastUsedAt: daysAgo(80) });
awsPolicy(reporting, prod, 'ReadOnlyAccess', false);
accessKey(reporting, prod, 'AKIADEMO0REPORTING01', { createdAt: daysAgo(200), lastUsedAt: daysAgo(80) }); // stale + unused
accessKey(reporting, prod, 'AKIADEMO0REPORTING02', { createdAt: daysAgo(60), lastUsedAt: null }); // never used
accessKey(iamUser(prod, 'ivan.petrov'), prod, 'AKIADEMO0IVANPETROV1', { createdAt: daysAgo(140), lastUsedAt: daysAgo(1) }); // stale
accessKey(iamUser(prod, 'jade.okafor'), prod, 'AKIADEMO0JADEOKAFOR1', { createdAt: daysAgo(20), lastUsedAt: daysAgo(1) }); // fine
credentials.push({ id: `aws:${prod}:root/access-key-1`, system: 'aws', target: prod, kind: 'root-access-key', principal: `aws:arn:aws:iam::${prod}:root`, createdAt: daysAgo(900), lastUsedAt: daysAgo(400), status: 'inactive', privileged: true });

// AWS staging and shared services.
const staging = ACCOUNTS.staging;
for (const name of ['kai.berg', 'lena.fischer', 'mateo.silva', 'nora.quinn']) awsPolicy(iamUser(staging, name), staging, 'PowerUserAccess', true); // standing exception covers all
awsPolicy(iamUser(staging, 'omar.aziz'), staging, 'AdministratorAccess', true); // temporary grant, 48h: grant-hygiene
const shared = ACCOUNTS.shared;
awsPolicy(iamRole(shared, 'terraform-state', { owner: email('kai.berg') }), shared, 'AdministratorAccess', true); // standing exception
awsPolicy(iamUser(shared, 'priya.rao'), shared, 'ReadOnlyAccess', false);
awsPolicy(iamRole(shared, 'legacy-backup'), shared, 'IAMFullAccess', true, { lastUsedAt: daysAgo(300) }); // standing + unowned

// GitHub.
const gh = (login: string, extra: Partial<Principal> = {}): string => {
  const id = `github:${ORG}/${login}`;
  principals.push({ id, system: 'github', target: ORG, kind: 'user', human: true, name: login, mfa: true, ...extra });
  return id;
};
/** The ref the GitHub connector records: what enforce's revokers remove. */
const githubRef = (principal: string, privilege: string, repo: string, via: string): Record<string, unknown> => {
  const login = principal.slice(`github:${ORG}/`.length);
  if (privilege === 'org-owner') return { org: ORG, kind: 'org-owner', login };
  if (via.startsWith('team/')) return { org: ORG, kind: 'team-membership', team: via.slice('team/'.length), login };
  return { org: ORG, kind: 'repo-collaborator', repo, login, role: privilege.replace(/^repo-/, '') };
};
const ghAccess = (principal: string, privilege: string, resource: string, via = 'direct'): void => {
  const privileged = privilege === 'org-owner' || privilege === 'repo-admin' || privilege === 'repo-maintain';
  entitlements.push({ principal, system: 'github', target: ORG, resource, privilege, level: privilege === 'org-owner' || privilege === 'repo-admin' ? 'admin' : 'write', privileged, via, ref: githubRef(principal, privilege, resource, via) });
};
ghAccess(gh('kaiberg'), 'org-owner', '*'); // standing exception (current)
ghAccess(gh('quentinlee'), 'org-owner', '*'); // standing-privilege
ghAccess(gh('rosa-g'), 'repo-admin', 'parcel-api', 'team/platform'); // expired-grant
ghAccess(gh('sven-o'), 'repo-maintain', 'parcel-web'); // covered
ghAccess(gh('tara-w'), 'repo-write', 'parcel-web', 'team/web');
ghAccess(gh('acme-contractor', { external: true, human: 'unknown', mfa: false }), 'repo-admin', 'billing-service'); // standing + unowned
credentials.push(
  { id: `github:${ORG}/parcel-api/deploy-key/1001`, system: 'github', target: ORG, kind: 'deploy-key', name: 'prod deploy (write)', createdAt: daysAgo(420), lastUsedAt: daysAgo(2), status: 'active', privileged: true }, // stale
  { id: `github:${ORG}/actions-secret/NPM_TOKEN`, system: 'github', target: ORG, kind: 'actions-secret', name: 'NPM_TOKEN', createdAt: daysAgo(700), rotatedAt: daysAgo(200), status: 'active' }, // stale
  { id: `github:${ORG}/parcel-api/dependabot-secret/REGISTRY_TOKEN`, system: 'github', target: ORG, kind: 'dependabot-secret', name: 'REGISTRY_TOKEN', createdAt: daysAgo(30), status: 'active' },
  { id: `github:${ORG}/fine-grained-pat/88123`, system: 'github', target: ORG, kind: 'fine-grained-pat', principal: `github:${ORG}/tara-w`, name: 'release automation', createdAt: daysAgo(70), lastUsedAt: daysAgo(65), expiresAt: hoursFromNow(24 * 200), status: 'active' }, // unused
);

// Kubernetes.
const k8s = (cluster: string, kind: 'User' | 'Group' | 'ServiceAccount', name: string, extra: Partial<Principal> = {}): string => {
  const id = `kubernetes:${cluster}/${kind}:${name}`;
  const human = kind === 'User' ? true : kind === 'ServiceAccount' ? false : 'unknown';
  principals.push({ id, system: 'kubernetes', target: cluster, kind: kind === 'ServiceAccount' ? 'service-account' : kind.toLowerCase(), human, name, ...(name.includes('@') ? { email: name } : {}), ...extra });
  return id;
};
/** The ref the Kubernetes connector records: one subject of one binding. */
const kubernetesRef = (principal: string, cluster: string, via: string): Record<string, unknown> => {
  const [kind, ...path] = via.split('/');
  const [namespace, name] = path.length === 2 ? path : [undefined, path[0]];
  const [subjectKind, ...rest] = principal.slice(`kubernetes:${cluster}/`.length).split(':');
  const subjectName = rest.join(':');
  const subject =
    subjectKind === 'ServiceAccount'
      ? { kind: 'ServiceAccount', name: subjectName.split('/')[1], namespace: subjectName.split('/')[0] }
      : { kind: subjectKind, name: subjectName, apiGroup: 'rbac.authorization.k8s.io' };
  return { cluster, binding: { kind, ...(namespace ? { namespace } : {}), name }, subject };
};
const binding = (principal: string, cluster: string, privilege: string, resource: string, via: string, extra: Partial<Entitlement> = {}): void => {
  const admin = privilege === 'ClusterRole/cluster-admin';
  entitlements.push({ principal, system: 'kubernetes', target: cluster, resource, privilege, level: admin ? 'admin' : 'write', privileged: admin || privilege.includes('admin') || privilege.includes('edit'), via, ref: kubernetesRef(principal, cluster, via), ...extra });
};
binding(k8s('prod-eu', 'User', email('nora.quinn')), 'prod-eu', 'ClusterRole/cluster-admin', '*', 'ClusterRoleBinding/jit-nora', { expiresAt: hoursFromNow(-20), grantId: 'JIT-4471' }); // expired-grant from the binding's own expiry
binding(k8s('prod-eu', 'User', email('umar.khan')), 'prod-eu', 'ClusterRole/cluster-admin', '*', 'ClusterRoleBinding/jit-umar', { expiresAt: hoursFromNow(3), grantId: 'JIT-4480' }); // JIT binding still open
binding(k8s('prod-eu', 'User', email('omar.aziz')), 'prod-eu', 'ClusterRole/cluster-admin', '*', 'ClusterRoleBinding/oncall-omar'); // off-call
binding(k8s('prod-eu', 'User', email('dana.kim')), 'prod-eu', 'ClusterRole/cluster-admin', '*', 'ClusterRoleBinding/oncall-dana'); // on call: covered
const ciSa = k8s('prod-eu', 'ServiceAccount', 'ci/deployer', { createdAt: daysAgo(600) });
binding(ciSa, 'prod-eu', 'ClusterRole/edit', 'payments', 'RoleBinding/payments/ci-deployer'); // standing + unowned
credentials.push({ id: 'kubernetes:prod-eu/Secret:ci/deployer-token', system: 'kubernetes', target: 'prod-eu', kind: 'service-account-token', principal: ciSa, name: 'ci/deployer-token', createdAt: daysAgo(500), lastUsedAt: null, status: 'active' }); // stale + never used
binding(k8s('prod-eu', 'Group', 'sre'), 'prod-eu', 'ClusterRole/admin', 'payments', 'RoleBinding/payments/sre', { privileged: true }); // standing exception
binding(k8s('staging-eu', 'User', email('vera.novak')), 'staging-eu', 'ClusterRole/edit', '*', 'ClusterRoleBinding/vera-edit'); // standing exception, review due later
binding(k8s('staging-eu', 'User', email('wes.turner')), 'staging-eu', 'ClusterRole/view', '*', 'ClusterRoleBinding/view-all', { privileged: false, level: 'read' });

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
export const inventory: Inventory = {
  schemaVersion: 1,
  collectedAt: hoursFromNow(-0.5),
  coverage: [
    ...Object.values(ACCOUNTS).map((account) => ({ system: 'aws', target: account, status: 'ok' as const })),
    { system: 'github', target: ORG, status: 'ok' },
    { system: 'kubernetes', target: 'prod-eu', status: 'ok' },
    { system: 'kubernetes', target: 'staging-eu', status: 'ok' },
  ],
  principals: principals.sort((a, b) => cmp(a.id, b.id)),
  entitlements: entitlements.sort((a, b) => cmp(a.principal + a.privilege + a.resource, b.principal + b.privilege + b.resource)),
  credentials: credentials.sort((a, b) => cmp(a.id, b.id)),
};

const approvers = { sec: email('lena.fischer'), eng: email('kai.berg') };
export const grants: (Partial<Grant> & Pick<Grant, 'id' | 'subject' | 'system'>)[] = [
  { id: 'JIT-4402', subject: email('bruno.diaz'), system: 'aws', target: prod, privilege: 'AdministratorAccess', start: daysAgo(3), end: hoursFromNow(-44), approver: approvers.sec, ticket: 'INC-2291', reason: 'Payment outage investigation' },
  { id: 'JIT-4410', subject: email('carla.rossi'), system: 'aws', target: prod, privilege: 'IAMFullAccess', start: hoursFromNow(-30), end: hoursFromNow(2), revokedAt: hoursFromNow(-20), approver: approvers.sec, ticket: 'CHG-881', reason: 'Rotate federation trust' },
  { id: 'ONCALL-AWS-PROD', subject: email('dana.kim'), system: 'aws', target: prod, privilege: 'AdministratorAccess', kind: 'standing', onCall: 'platform-primary', start: '2026-11-01T00:00:00Z', reviewBy: '2027-05-01T00:00:00Z', approver: approvers.eng, ticket: 'POL-12' },
  { id: 'ONCALL-AWS-PROD-2', subject: email('erik.larsen'), system: 'aws', target: prod, privilege: 'AdministratorAccess', kind: 'standing', onCall: 'platform-primary', start: '2026-11-01T00:00:00Z', reviewBy: '2027-05-01T00:00:00Z', approver: approvers.eng, ticket: 'POL-12' },
  { id: 'JIT-4415', subject: email('gus.moreau'), system: 'aws', target: prod, privilege: 'PowerUserAccess', start: hoursFromNow(-1), end: hoursFromNow(3), approver: email('gus.moreau'), ticket: 'CHG-902', reason: 'Hotfix deploy' },
  { id: 'JIT-4416', subject: email('hana.sato'), system: 'aws', target: prod, privilege: 'AdministratorAccess', start: hoursFromNow(-2), end: hoursFromNow(6), approver: approvers.sec, ticket: 'CHG-903' },
  { id: 'EXC-7', subject: deployer, system: 'aws', target: prod, privilege: 'PowerUserAccess', kind: 'standing', start: daysAgo(400), reviewBy: daysAgo(16), approver: approvers.sec, ticket: 'RISK-14', reason: 'CI deploys to production' },
  { id: 'EXC-8', subject: 'aws:arn:aws:iam::210987654321:role/OrganizationAccountAccessRole', system: 'aws', target: prod, privilege: 'AdministratorAccess', kind: 'standing', start: daysAgo(700), reviewBy: hoursFromNow(24 * 90), approver: approvers.sec, ticket: 'RISK-2' },
  { id: 'EXC-6', subject: glass, system: 'aws', target: prod, privilege: 'AdministratorAccess', kind: 'standing', start: daysAgo(400), reviewBy: hoursFromNow(24 * 90), approver: approvers.eng, ticket: 'RISK-1', reason: 'Break-glass account; its password is rotated after every use' },
  { id: 'JIT-4480', subject: email('umar.khan'), system: 'kubernetes', target: 'prod-eu', privilege: 'ClusterRole/cluster-admin', start: hoursFromNow(-1), end: hoursFromNow(3), approver: approvers.eng, ticket: 'INC-2310', reason: 'Node pool incident' },
  { id: 'EXC-9', subject: email('lena.fischer'), system: 'aws', target: prod, privilege: 'AdministratorAccess', kind: 'standing', start: daysAgo(100), reviewBy: hoursFromNow(24 * 60), approver: approvers.eng, ticket: 'RISK-20', reason: 'Break-glass custodian' },
  ...['kai.berg', 'lena.fischer', 'mateo.silva'].map((name, index) => ({
    id: `EXC-1${index}`,
    subject: email(name),
    system: 'aws' as const,
    target: staging,
    privilege: 'PowerUserAccess',
    kind: 'standing' as const,
    start: daysAgo(200),
    reviewBy: hoursFromNow(24 * 30),
    approver: approvers.sec,
    ticket: 'RISK-21',
    reason: 'Staging is the engineers\u2019 sandbox',
  })),
  { id: 'JIT-4420', subject: email('omar.aziz'), system: 'aws', target: staging, privilege: 'AdministratorAccess', start: hoursFromNow(-6), end: hoursFromNow(42), approver: approvers.eng, ticket: 'CHG-910', reason: 'Load test setup' },
  { id: 'EXC-19', subject: 'aws:arn:aws:iam::410987654321:role/terraform-state', system: 'aws', target: shared, privilege: 'AdministratorAccess', kind: 'standing', start: daysAgo(300), reviewBy: hoursFromNow(24 * 120), approver: approvers.sec, ticket: 'RISK-3' },
  { id: 'EXC-20', subject: email('kai.berg'), system: 'github', target: ORG, privilege: 'org-owner', kind: 'standing', start: daysAgo(500), reviewBy: hoursFromNow(24 * 45), approver: approvers.sec, ticket: 'RISK-5' },
  { id: 'JIT-4430', subject: `github:${ORG}/rosa-g`, system: 'github', target: ORG, resource: 'parcel-*', privilege: 'repo-admin', start: daysAgo(10), end: daysAgo(9), approver: approvers.eng, ticket: 'CHG-850' },
  { id: 'JIT-4431', subject: `github:${ORG}/sven-o`, system: 'github', target: ORG, resource: 'parcel-web', privilege: 'repo-maintain', start: hoursFromNow(-3), end: hoursFromNow(5), approver: approvers.eng },
  { id: 'ONCALL-K8S-PROD', subject: email('dana.kim'), system: 'kubernetes', target: 'prod-*', privilege: 'ClusterRole/cluster-admin', kind: 'standing', onCall: 'platform-primary', start: '2026-11-01T00:00:00Z', reviewBy: '2027-05-01T00:00:00Z', approver: approvers.eng, ticket: 'POL-13' },
  { id: 'ONCALL-K8S-PROD-2', subject: email('omar.aziz'), system: 'kubernetes', target: 'prod-*', privilege: 'ClusterRole/cluster-admin', kind: 'standing', onCall: 'platform-primary', start: '2026-11-01T00:00:00Z', reviewBy: '2027-05-01T00:00:00Z', approver: approvers.eng, ticket: 'POL-13' },
  { id: 'EXC-30', subject: 'kubernetes:prod-eu/Group:sre', system: 'kubernetes', target: 'prod-eu', resource: 'payments', privilege: 'ClusterRole/admin', kind: 'standing', start: daysAgo(90), reviewBy: hoursFromNow(24 * 60), approver: approvers.sec, ticket: 'RISK-31' },
  { id: 'EXC-31', subject: email('vera.novak'), system: 'kubernetes', target: 'staging-eu', privilege: 'ClusterRole/edit', kind: 'standing', start: daysAgo(90), reviewBy: hoursFromNow(24 * 20), approver: approvers.eng, ticket: 'RISK-32' },
];

export const people = {
  people: PEOPLE.map((name) => ({
    email: email(name),
    name: name.split('.').map((part) => part[0]!.toUpperCase() + part.slice(1)).join(' '),
    accounts: [
      ...(name === 'kai.berg' ? [`github:${ORG}/kaiberg`] : []),
      ...(name === 'quentin.lee' ? [`github:${ORG}/quentinlee`] : []),
      ...(name === 'rosa.garcia' ? [`github:${ORG}/rosa-g`] : []),
      ...(name === 'sven.olsen' ? [`github:${ORG}/sven-o`] : []),
      ...(name === 'tara.walsh' ? [`github:${ORG}/tara-w`] : []),
    ],
  })),
  owners: [
    { principal: 'aws:arn:aws:iam::*:role/terraform-*', owner: email('kai.berg') },
    { principal: `github:${ORG}/app/*`, owner: email('kai.berg') },
    { principal: 'kubernetes:*/Group:sre', owner: email('lena.fischer') },
  ],
};

/** The on-call rotation: four engineers, a week each from Monday 09:00 Berlin time, as an ICS feed. */
export const oncallIcs = (): string => {
  const rotation = ['dana.kim', 'erik.larsen', 'omar.aziz', 'nora.quinn'];
  // Week of 2026-11-16 is dana's; erik's week ended this morning.
  const firstMonday = ['2026-11-16', '2026-11-09', '2026-10-26', '2026-11-02'];
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Lumen Logistics//On-call export//EN',
    'X-WR-CALNAME:platform-primary',
    'BEGIN:VTIMEZONE',
    'TZID:Europe/Berlin',
    'BEGIN:DAYLIGHT',
    'TZOFFSETFROM:+0100',
    'TZOFFSETTO:+0200',
    'TZNAME:CEST',
    'DTSTART:19700329T020000',
    'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
    'END:DAYLIGHT',
    'BEGIN:STANDARD',
    'TZOFFSETFROM:+0200',
    'TZOFFSETTO:+0100',
    'TZNAME:CET',
    'DTSTART:19701025T030000',
    'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
    'END:STANDARD',
    'END:VTIMEZONE',
  ];
  rotation.forEach((name, index) => {
    const day = firstMonday[index]!.replaceAll('-', '');
    const endDay = new Date(Date.parse(firstMonday[index]!) + 7 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    lines.push(
      'BEGIN:VEVENT',
      `UID:platform-primary-${name}@${DOMAIN}`,
      'DTSTAMP:20261101T000000Z',
      `DTSTART;TZID=Europe/Berlin:${day}T090000`,
      `DTEND;TZID=Europe/Berlin:${endDay}T090000`,
      'RRULE:FREQ=WEEKLY;INTERVAL=4',
      `SUMMARY:On call: ${name}`,
      `ATTENDEE;CN=${name}:mailto:${email(name)}`,
      'END:VEVENT',
    );
  });
  lines.push('END:VCALENDAR');
  return `${lines.join('\r\n')}\r\n`;
};

export const config = `# Lumen Logistics demo: \`npm run demo\` scans it at ${DEMO_NOW}.
# yaml-language-server: $schema=../../schema/dutybound.schema.json
ledger: [grants.yaml]
schedule: [oncall.ics]
people: people.yaml
rules:
  graceMinutes: 60
  maxGrantHours: 12
  maxCredentialAgeDays: 90
  unusedDays: 45
`;

export const files = (): Record<string, string> => ({
  'inventory.json': `${JSON.stringify(inventory, null, 2)}\n`,
  'grants.yaml': stringify(grants.map((grant) => ({ ...grant }))),
  'people.yaml': stringify(people),
  'oncall.ics': oncallIcs(),
  'dutybound.yaml': config,
});

if (import.meta.main) {
  for (const [name, text] of Object.entries(files())) writeFileSync(new URL(name, import.meta.url), text);
  console.error('wrote the demo estate beside examples/demo/estate.ts');
}
