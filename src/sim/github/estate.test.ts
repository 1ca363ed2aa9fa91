import { describe, expect, it } from 'vitest';
import { createGithubEstate } from './estate.ts';

describe('generated GitHub estate', () => {
  it('is the same for the same seed, and of the size asked', () => {
    const a = createGithubEstate(3, { repos: 40, members: 60, teams: 6 });
    expect(createGithubEstate(3, { repos: 40, members: 60, teams: 6 })).toEqual(a);
    expect(createGithubEstate(4, { repos: 40, members: 60, teams: 6 })).not.toEqual(a);
    const org = a.orgs[0]!;
    expect([org.repos!.length, org.members.length, org.teams!.length]).toEqual([40, 60, 6]);
  });

  it('has what the scanner looks for: owners, outside collaborators, keys, secrets, tokens', () => {
    const org = createGithubEstate(1, { repos: 200, members: 300, teams: 20 }).orgs[0]!;
    const members = new Set(org.members.map((m) => m.login));
    expect(org.members.filter((m) => m.role === 'admin').length).toBeGreaterThanOrEqual(3);
    expect(org.repos!.some((r) => r.collaborators!.some((c) => !members.has(c.login)))).toBe(true);
    expect(org.repos!.some((r) => r.deployKeys!.some((k) => !k.readOnly))).toBe(true);
    expect(org.repos!.some((r) => r.archived)).toBe(true);
    expect(org.repos!.some((r) => r.environments!.length > 0)).toBe(true);
    expect(org.patGrants!.length).toBeGreaterThan(0);
    expect(org.teams!.some((t) => t.parent)).toBe(true);
    // Every team member and collaborator the generator names is a member or a known outsider.
    for (const team of org.teams!) for (const m of team.members!) expect(members.has(m.login)).toBe(true);
  });
});
