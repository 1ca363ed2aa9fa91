// The GitHub App permissions dutybound needs: to scan, and (per revoker) to enforce.
import type { PermissionsDocument } from '../types.ts';
import { githubRevokers } from './revoke.ts';

/** App permission → level, for scanning (all read). */
export const SCAN_PERMISSIONS: Record<string, 'read' | 'write'> = {
  members: 'read',
  organization_administration: 'read',
  organization_custom_org_roles: 'read',
  organization_secrets: 'read',
  organization_dependabot_secrets: 'read',
  organization_personal_access_tokens: 'read',
  administration: 'read',
  metadata: 'read',
  secrets: 'read',
  dependabot_secrets: 'read',
  environments: 'read',
  actions: 'read',
};

/** `members: write` → { members: 'write' }, keeping the highest level per permission. */
const merge = (entries: string[]): Record<string, 'read' | 'write'> => {
  const out: Record<string, 'read' | 'write'> = {};
  for (const entry of entries) {
    const [name, level] = entry.split(':').map((part) => part.trim()) as [string, 'read' | 'write'];
    if (out[name] !== 'write') out[name] = level;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
};

export const githubPermissions = (): PermissionsDocument => ({
  format: 'json',
  scan: { default_permissions: SCAN_PERMISSIONS },
  enforce: {
    default_permissions: { ...SCAN_PERMISSIONS, ...merge(githubRevokers.flatMap((revoker) => revoker.permissions)) },
    revokers: Object.fromEntries(githubRevokers.map((revoker) => [revoker.id, merge(revoker.permissions)])),
  },
  notes: [
    'Install a GitHub App with these repository and organization permissions in each org (recommended): only an App can list fine-grained personal access tokens.',
    'A token works too (classic: read:org, repo, admin:org for owners and 2FA status); what it cannot read makes the org partial, with the reason.',
    'SAML identities and credential authorizations exist on GitHub Enterprise Cloud orgs with SAML single sign-on only; elsewhere they are a coverage note.',
  ],
});
