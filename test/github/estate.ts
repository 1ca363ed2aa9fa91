// A small hand-written GitHub organization (tens of objects) used by the GitHub tests.
import type { GithubEstate } from '../../src/sim/github/estate.ts';

export const smallEstate = (): GithubEstate => ({
  orgs: [
    {
      login: 'acme',
      id: 4242,
      enterpriseCloud: true,
      defaultRepositoryPermission: 'read',
      members: [
        { login: 'alice', role: 'admin', samlNameId: 'alice@acme.example', lastActiveAt: '2025-12-30T09:00:00Z' },
        { login: 'bob', role: 'admin', samlNameId: 'bob@acme.example', lastActiveAt: '2025-08-01T09:00:00Z' },
        { login: 'carol', role: 'member', twoFactor: false, samlNameId: 'carol@acme.example' },
        { login: 'dave', role: 'member' },
        { login: 'erin', role: 'member' },
        { login: 'frank', role: 'member' },
        { login: 'grace', role: 'member' },
      ],
      outsideWithout2fa: ['vendor-v'],
      invitations: [
        { id: 1, login: 'newowner', role: 'admin', createdAt: '2025-12-20T10:00:00Z' },
        { id: 2, email: 'someone@example.com', role: 'direct_member', createdAt: '2025-12-21T10:00:00Z' },
      ],
      teams: [
        { slug: 'platform', members: [{ login: 'dave', role: 'maintainer' }, { login: 'erin', role: 'member' }], repos: [{ repo: 'api', role: 'admin' }] },
        { slug: 'platform-oncall', parent: 'platform', members: [{ login: 'frank', role: 'member' }], repos: [] },
        { slug: 'docs', members: [{ login: 'grace', role: 'member' }], repos: [{ repo: 'web', role: 'write' }, { repo: 'api', role: 'maintain' }, { repo: 'old', role: 'admin' }] },
      ],
      repos: [
        {
          name: 'api',
          collaborators: [
            { login: 'carol', role: 'maintain' },
            { login: 'dave', role: 'write' },
            { login: 'vendor-v', role: 'admin' },
          ],
          deployKeys: [
            { id: 11, title: 'ci-deploy', readOnly: false, createdAt: '2024-01-10T00:00:00Z', lastUsed: null },
            { id: 12, title: 'mirror', readOnly: true, createdAt: '2025-03-01T00:00:00Z', lastUsed: '2025-12-30T08:00:00Z' },
          ],
          actionsSecrets: [{ name: 'DEPLOY_TOKEN', createdAt: '2023-05-01T00:00:00Z', updatedAt: '2024-02-01T00:00:00Z' }],
          environments: [{ name: 'production', secrets: [{ name: 'PROD_DB_PASSWORD', createdAt: '2024-06-01T00:00:00Z', updatedAt: '2024-06-01T00:00:00Z' }] }, { name: 'staging' }],
        },
        {
          name: 'web',
          private: false,
          collaborators: [
            { login: 'erin', role: 'write' },
            { login: 'carol', role: 'security-reviewer' },
            { login: 'vendor-w', role: 'write' },
          ],
          dependabotSecrets: [{ name: 'REGISTRY_TOKEN', createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z' }],
        },
        { name: 'old', archived: true, collaborators: [{ login: 'frank', role: 'admin' }], deployKeys: [{ id: 13, title: 'legacy', readOnly: false, createdAt: '2019-01-01T00:00:00Z', lastUsed: '2020-01-01T00:00:00Z' }] },
        { name: 'lib' },
      ],
      actionsSecrets: [{ name: 'NPM_TOKEN', createdAt: '2022-01-01T00:00:00Z', updatedAt: '2022-01-01T00:00:00Z', visibility: 'all' }],
      dependabotSecrets: [{ name: 'ORG_REGISTRY', createdAt: '2025-06-01T00:00:00Z', updatedAt: '2025-06-01T00:00:00Z', visibility: 'private' }],
      orgRoles: [
        { id: 8132, name: 'all_repo_admin', baseRole: 'admin', source: 'Predefined', permissions: [], users: ['erin'], teams: ['docs'] },
        { id: 9001, name: 'auditor', baseRole: 'read', permissions: ['read_audit_logs'], users: [] },
      ],
      installations: [
        { id: 1, appId: 11, appSlug: 'dutybound', permissions: { members: 'read', administration: 'read', metadata: 'read' }, createdAt: '2025-01-01T00:00:00Z' },
        { id: 2, appId: 12, appSlug: 'deploy-bot', permissions: { contents: 'write', administration: 'write', metadata: 'read' }, createdAt: '2024-01-01T00:00:00Z' },
      ],
      patGrants: [
        { id: 101, owner: 'dave', tokenId: 5001, tokenName: 'release', grantedAt: '2025-02-01T00:00:00Z', expiresAt: '2026-02-01T00:00:00Z', lastUsedAt: '2025-12-01T00:00:00Z', permissions: { repository: { contents: 'write' } } },
        { id: 102, owner: 'carol', tokenId: 5002, tokenName: 'old-script', grantedAt: '2024-02-01T00:00:00Z', expiresAt: '2025-02-01T00:00:00Z', lastUsedAt: null, expired: true },
      ],
      credentialAuthorizations: [
        { credentialId: 7001, login: 'alice', type: 'personal access token', authorizedAt: '2024-05-01T00:00:00Z', accessedAt: '2025-12-29T00:00:00Z' },
        { credentialId: 7002, login: 'bob', type: 'SSH key', authorizedAt: '2023-05-01T00:00:00Z', accessedAt: null },
      ],
    },
  ],
});
