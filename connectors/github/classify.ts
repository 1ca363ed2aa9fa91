// GitHub's roles as dutybound privileges: names, levels and what counts as privileged.
import type { Level } from '../../src/model/index.ts';

export const REPO_ROLES = ['admin', 'maintain', 'write', 'triage', 'read'] as const;

/** `repo-admin`, `repo-maintain`, `repo-write`…; a custom repository role is `repo-role/<name>`. */
export const repoPrivilege = (role: string): string => ((REPO_ROLES as readonly string[]).includes(role) ? `repo-${role}` : `repo-role/${role}`);

export interface RepoPermissions {
  admin?: boolean;
  maintain?: boolean;
  push?: boolean;
  triage?: boolean;
  pull?: boolean;
}

/** What a role can do: from its name, else (custom roles) from the permissions GitHub reports with it. */
export const repoLevel = (role: string, permissions?: RepoPermissions): Level => {
  if (role === 'admin') return 'admin';
  if (role === 'maintain' || role === 'write') return 'write';
  if (role === 'triage' || role === 'read') return 'read';
  if (permissions?.admin) return 'admin';
  if (permissions?.maintain || permissions?.push) return 'write';
  return permissions ? 'read' : 'write';
};

/** Admin and maintain can change settings, protections and access: privileged. Write is not, by default. */
export const repoPrivileged = (role: string, permissions?: RepoPermissions): boolean =>
  role === 'admin' || role === 'maintain' || (!(REPO_ROLES as readonly string[]).includes(role) && Boolean(permissions?.admin || permissions?.maintain));

/** GraphQL's RepositoryPermission enum (ADMIN, MAINTAIN, WRITE, TRIAGE, READ) as a REST role name. */
export const roleFromGraphql = (permission: string): string => permission.toLowerCase();

/** The level of an organization role, from the repository role it builds on (custom roles may have none). */
export const orgRoleLevel = (baseRole: string | null | undefined, permissions: string[]): Level => {
  if (baseRole === 'admin') return 'admin';
  if (baseRole === 'maintain' || baseRole === 'write') return 'write';
  return permissions.some((p) => /^(write|manage|delete|edit|create)_/.test(p)) ? 'write' : 'read';
};

/** App installation permissions that let it change access or code: administration, members, secrets, workflows… */
const SENSITIVE_APP_PERMISSIONS = new Set(['administration', 'organization_administration', 'members', 'secrets', 'organization_secrets', 'workflows', 'organization_personal_access_tokens']);

export const appLevel = (permissions: Record<string, string | undefined>): Level => {
  const values = Object.values(permissions);
  if (values.includes('admin')) return 'admin';
  return values.includes('write') ? 'write' : 'read';
};

export const appPrivileged = (permissions: Record<string, string | undefined>): boolean =>
  Object.entries(permissions).some(([name, value]) => value === 'admin' || (value === 'write' && SENSITIVE_APP_PERMISSIONS.has(name)));

/** A fine-grained token that can write anything. */
export const tokenPrivileged = (permissions: { organization?: Record<string, string>; repository?: Record<string, string> } | undefined): boolean =>
  [...Object.values(permissions?.organization ?? {}), ...Object.values(permissions?.repository ?? {})].some((value) => value === 'write' || value === 'admin');

/** `*` and `?` globs over repository names (`sandbox-*`) or `org/repo`. */
export const globMatch = (pattern: string, value: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(value);
