// The GitHub privilege connector: organizations' owners, roles, collaborators, teams, keys,
// secrets and tokens, with revokers for enforce mode.
import type { PrivilegeConnector } from '../types.ts';
import { collectGithub } from './collect.ts';
import { githubPermissions } from './permissions.ts';
import { githubRevokers } from './revoke.ts';
import { githubSchema } from './schema.ts';

export const githubConnector = {
  id: 'github',
  title: 'GitHub',
  configSchema: githubSchema,
  collect: (config, ctx) => collectGithub(config, ctx),
  permissions: githubPermissions,
  revokers: githubRevokers,
} satisfies PrivilegeConnector<typeof githubSchema>;
