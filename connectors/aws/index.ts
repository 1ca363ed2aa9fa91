// The AWS IAM privilege connector: live collection across accounts or an Organization,
// export import, classifier, revokers.
import type { PrivilegeConnector } from '../types.ts';
import { collectAws } from './collect.ts';
import { awsPermissions } from './permissions.ts';
import { awsRevokers } from './revoke.ts';
import { awsSchema } from './schema.ts';

export const awsConnector = {
  id: 'aws',
  title: 'AWS IAM',
  configSchema: awsSchema,
  collect: (config, ctx) => collectAws(config, ctx),
  permissions: awsPermissions,
  revokers: awsRevokers,
} satisfies PrivilegeConnector<typeof awsSchema>;
