// The engine benchmark's estate: 1,000,000 entitlements, 100,000 grants and 50,000 shifts from
// the simulated estate's seeded generator (the same estate every run); shared by the engine and
// enforce benchmarks.
import { seededRandom } from '../../src/sim/random.ts';
import type { Credential, Entitlement, Grant, Principal, Shift } from '../../src/model/index.ts';

const ENTITLEMENTS = Number(process.env.BENCH_ENTITLEMENTS ?? 1_000_000);
const GRANTS = Number(process.env.BENCH_GRANTS ?? 100_000);
const SHIFTS = Number(process.env.BENCH_SHIFTS ?? 50_000);
const PER_PRINCIPAL = 10;
export const NOW = Date.parse('2026-11-16T10:00:00Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

// The simulated estate's seeded generator: the same estate every run.
const random = seededRandom(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const SYSTEMS = ['aws', 'github', 'kubernetes'] as const;
const PRIVILEGES = {
  aws: ['AdministratorAccess', 'IAMFullAccess', 'PowerUserAccess', 'ReadOnlyAccess', 'AmazonS3ReadOnlyAccess', 'inline:deploy'],
  github: ['org-owner', 'repo-admin', 'repo-maintain', 'repo-write', 'repo-read'],
  kubernetes: ['ClusterRole/cluster-admin', 'ClusterRole/admin', 'ClusterRole/edit', 'ClusterRole/view'],
};
const SCHEDULES = Array.from({ length: 50 }, (_, index) => `team-${index}`);

export const generate = () => {
  const principalCount = Math.ceil(ENTITLEMENTS / PER_PRINCIPAL);
  const principals: Principal[] = [];
  const entitlements: Entitlement[] = [];
  const credentials: Credential[] = [];
  for (let index = 0; index < principalCount; index += 1) {
    const system = SYSTEMS[index % 3]!;
    const target = `${system}-target-${index % 40}`;
    const id = `${system}:${target}/user-${index}`;
    principals.push({
      id,
      system,
      target,
      kind: 'user',
      human: index % 5 !== 0,
      name: `user-${index}`,
      ...(index % 5 !== 0 ? { email: `person-${index % 60_000}@example.com` } : {}),
      lastUsedAt: iso(NOW - random() * 120 * 24 * HOUR),
    });
    for (let n = 0; n < PER_PRINCIPAL && entitlements.length < ENTITLEMENTS; n += 1) {
      const privilege = pick(PRIVILEGES[system]);
      entitlements.push({
        principal: id,
        system,
        target,
        resource: n % 2 ? `resource-${n}` : '*',
        privilege,
        level: 'write',
        privileged: !/read|view/i.test(privilege),
        via: n % 3 ? 'direct' : `group/g-${n}`,
      });
    }
    if (index % 4 === 0)
      credentials.push({ id: `${id}/key`, system, target, kind: 'access-key', principal: id, createdAt: iso(NOW - random() * 300 * 24 * HOUR), lastUsedAt: iso(NOW - random() * 90 * 24 * HOUR), status: 'active' });
  }
  const grants: Grant[] = [];
  for (let index = 0; index < GRANTS; index += 1) {
    const system = SYSTEMS[index % 3]!;
    const start = NOW - random() * 72 * HOUR;
    grants.push({
      id: `G-${index}`,
      subject: `person-${index % 60_000}@example.com`,
      system,
      target: random() < 0.3 ? `${system}-target-*` : `${system}-target-${index % 40}`,
      resource: '*',
      privilege: random() < 0.2 ? '*' : pick(PRIVILEGES[system]),
      kind: 'temporary',
      start: iso(start),
      end: iso(start + (1 + random() * 48) * HOUR),
      ...(index % 7 === 0 ? { revokedAt: iso(start + HOUR) } : {}),
      ...(index % 5 === 0 ? { onCall: pick(SCHEDULES) } : {}),
      approver: index % 11 === 0 ? `person-${index % 60_000}@example.com` : 'approver@example.com',
      ticket: `T-${index}`,
    });
  }
  const shifts: Shift[] = [];
  for (let index = 0; index < SHIFTS; index += 1) {
    const start = NOW - 14 * 24 * HOUR + random() * 21 * 24 * HOUR;
    shifts.push({ schedule: pick(SCHEDULES), person: `person-${Math.floor(random() * 60_000)}@example.com`, start: iso(start), end: iso(start + 12 * HOUR) });
  }
  return { principals, entitlements, credentials, grants, shifts };
};

