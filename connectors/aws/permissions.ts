// The least-privilege IAM policies dutybound needs: read-only scanning, and enforce.
import type { PermissionsDocument } from '../types.ts';
import { awsRevokers } from './revoke.ts';

/** Actions the scan calls, in each account (the assumed role) and where accounts are listed. */
export const SCAN_ACTIONS = ['iam:GetAccountAuthorizationDetails', 'iam:GenerateCredentialReport', 'iam:GetCredentialReport', 'iam:ListAccessKeys'];
export const ORGANIZATION_ACTIONS = ['organizations:ListAccounts', 'sts:AssumeRole'];
export const IDENTITY_CENTER_ACTIONS = [
  'sso:ListInstances',
  'sso:ListPermissionSets',
  'sso:DescribePermissionSet',
  'sso:ListManagedPoliciesInPermissionSet',
  'sso:ListCustomerManagedPolicyReferencesInPermissionSet',
  'sso:GetInlinePolicyForPermissionSet',
  'sso:ListAccountsForProvisionedPermissionSet',
  'sso:ListAccountAssignments',
  'identitystore:ListUsers',
  'identitystore:ListGroups',
  'identitystore:ListGroupMemberships',
];

const policy = (actions: string[]) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Dutybound', Effect: 'Allow', Action: [...new Set(actions)].sort(), Resource: '*' }],
});

export const awsPermissions = (): PermissionsDocument => {
  const enforceActions = awsRevokers.flatMap((r) => r.permissions);
  return {
    format: 'json',
    scan: policy([...SCAN_ACTIONS, ...ORGANIZATION_ACTIONS, ...IDENTITY_CENTER_ACTIONS]),
    enforce: policy([...SCAN_ACTIONS, ...ORGANIZATION_ACTIONS, ...IDENTITY_CENTER_ACTIONS, ...enforceActions]),
    notes: [
      'Each collected account needs the scan policy on the role named by aws.roleName (default DutyboundReadOnly), trusting the scanning identity (with aws.externalId as sts:ExternalId when set).',
      'organizations:ListAccounts is needed only with aws.organization.enabled, in the management or a delegated administrator account; sso:* and identitystore:* only with aws.identityCenter.enabled.',
      'iam:ListAccessKeys is called only with aws.resolveAccessKeyIds, and by the access-key revoker.',
    ],
  };
};
