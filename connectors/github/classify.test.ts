import { describe, expect, it } from 'vitest';
import { appLevel, appPrivileged, globMatch, orgRoleLevel, repoLevel, repoPrivilege, repoPrivileged, tokenPrivileged } from './classify.ts';

describe('GitHub classification', () => {
  it('names repository roles, custom ones under repo-role/', () => {
    expect(['admin', 'maintain', 'write', 'triage', 'read', 'security-reviewer'].map(repoPrivilege)).toEqual([
      'repo-admin',
      'repo-maintain',
      'repo-write',
      'repo-triage',
      'repo-read',
      'repo-role/security-reviewer',
    ]);
  });

  it('counts admin and maintain as privileged, write not; a custom role by what it can do', () => {
    expect(repoPrivileged('admin')).toBe(true);
    expect(repoPrivileged('maintain')).toBe(true);
    expect(repoPrivileged('write')).toBe(false);
    expect(repoPrivileged('read')).toBe(false);
    expect(repoPrivileged('release-manager', { admin: false, maintain: true, push: true })).toBe(true);
    expect(repoPrivileged('reviewer', { admin: false, maintain: false, push: false, pull: true })).toBe(false);
    expect(repoLevel('maintain')).toBe('write');
    expect(repoLevel('triage')).toBe('read');
    expect(repoLevel('release-manager', { admin: true })).toBe('admin');
    expect(repoLevel('reviewer', { pull: true })).toBe('read');
  });

  it('levels organization roles by their base role, else their permissions', () => {
    expect(orgRoleLevel('admin', [])).toBe('admin');
    expect(orgRoleLevel('write', [])).toBe('write');
    expect(orgRoleLevel(null, ['read_audit_logs'])).toBe('read');
    expect(orgRoleLevel(null, ['write_organization_actions_secrets'])).toBe('write');
  });

  it('calls an app privileged when it can change access, code pipelines or secrets', () => {
    expect(appPrivileged({ contents: 'write', metadata: 'read' })).toBe(false);
    expect(appPrivileged({ administration: 'write' })).toBe(true);
    expect(appPrivileged({ organization_administration: 'admin' })).toBe(true);
    expect(appLevel({ contents: 'write', metadata: 'read' })).toBe('write');
    expect(appLevel({ metadata: 'read' })).toBe('read');
    expect(tokenPrivileged({ repository: { contents: 'read' } })).toBe(false);
    expect(tokenPrivileged({ organization: { members: 'write' } })).toBe(true);
    expect(tokenPrivileged(undefined)).toBe(false);
  });

  it('matches repository globs, case-insensitively, with nothing else special', () => {
    expect(globMatch('sandbox-*', 'sandbox-42')).toBe(true);
    expect(globMatch('acme/legacy', 'ACME/legacy')).toBe(true);
    expect(globMatch('a.b', 'axb')).toBe(false);
    expect(globMatch('repo-?', 'repo-10')).toBe(false);
  });
});
