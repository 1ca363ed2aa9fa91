// The `aws:` section of dutybound.yaml.
import { z } from 'zod';
import { DEFAULT_ADMIN_ACTIONS, DEFAULT_ADMIN_POLICIES, DEFAULT_ESCALATION_ACTIONS } from './classify.ts';

// YAML reads an unquoted 012345678901 as the number 12345678901: give it back its 12 digits.
const accountId = z.preprocess(
  (value) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 1e12 ? String(value).padStart(12, '0') : value),
  z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
);

const accountEntry = z.union([
  accountId,
  z
    .object({
      id: accountId.describe('The account id.'),
      roleName: z.string().optional().describe('Role to assume in this account (default: the section’s roleName).'),
      externalId: z.string().optional().describe('ExternalId for AssumeRole into this account (default: the section’s externalId).'),
    })
    .strict(),
]);

export const awsSchema = z
  .object({
    accounts: z
      .array(accountEntry)
      .default([])
      .describe('Accounts to collect: ids, or { id, roleName?, externalId? }. dutybound assumes roleName in each. With no accounts, no organization and no exports, the caller’s own account is collected with its own credentials.'),
    organization: z
      .object({
        enabled: z.boolean().default(false).describe('List the accounts of the AWS Organization (organizations:ListAccounts) and collect every ACTIVE one.'),
        roleName: z.string().optional().describe('Role assumed in each member account (default: the section’s roleName).'),
        externalId: z.string().optional().describe('ExternalId for those AssumeRole calls (default: the section’s externalId).'),
        exclude: z.array(accountId).default([]).describe('Account ids to skip.'),
      })
      .strict()
      .prefault({})
      .describe('Collect every account of the Organization the caller can list.'),
    roleName: z.string().default('DutyboundReadOnly').describe('Role assumed in each account (see `dutybound permissions aws`).'),
    externalId: z.string().optional().describe('ExternalId passed to sts:AssumeRole.'),
    region: z.string().default('us-east-1').describe('Region for STS, Organizations and the IAM endpoint.'),
    identityCenter: z
      .object({
        enabled: z.boolean().default(false).describe('Collect IAM Identity Center permission-set assignments (sso-admin, identitystore).'),
        instanceArn: z.string().optional().describe('Identity Center instance ARN (default: the first one ListInstances returns).'),
        identityStoreId: z.string().optional().describe('Identity store id (default: the instance’s).'),
        region: z.string().optional().describe('Region of the Identity Center instance (default: the section’s region).'),
      })
      .strict()
      .prefault({})
      .describe('IAM Identity Center: permission sets assigned to users and groups on accounts.'),
    exports: z
      .array(
        z
          .object({
            account: accountId.describe('The account the files describe.'),
            authorizationDetails: z.string().describe('JSON printed by `aws iam get-account-authorization-details`.'),
            credentialReport: z
              .string()
              .optional()
              .describe('Credential report: the CSV, its base64, or the JSON printed by `aws iam get-credential-report`.'),
          })
          .strict(),
      )
      .default([])
      .describe('Offline import: files exported with the AWS CLI, one entry per account.'),
    emailTag: z.string().default('email').describe('IAM tag whose value is the email of a user or role’s person.'),
    ownerTag: z.string().default('owner').describe('IAM tag whose value, when it is an email, is the owner of a machine identity.'),
    breakGlassTag: z.string().default('dutybound:break-glass').describe('IAM tag marking break-glass identities (value `true`).'),
    includeServiceLinkedRoles: z.boolean().default(false).describe('Include service-linked roles (path /aws-service-role/).'),
    includeReservedRoles: z
      .boolean()
      .default(false)
      .describe('Include AWS-reserved roles (path /aws-reserved/, e.g. AWSReservedSSO_* created by Identity Center).'),
    resolveAccessKeyIds: z
      .boolean()
      .default(false)
      .describe('Call iam:ListAccessKeys for each user the credential report shows with a key, so credential ids are real key ids (one call per such user).'),
    classifier: z
      .object({
        adminActions: z.array(z.string()).default([...DEFAULT_ADMIN_ACTIONS]).describe('Action patterns that make a policy admin when allowed on every resource.'),
        adminPolicies: z.array(z.string()).default([...DEFAULT_ADMIN_POLICIES]).describe('Policy or permission-set names that are admin by name when their document is not known.'),
        escalationActions: z
          .array(z.string())
          .default([...DEFAULT_ESCALATION_ACTIONS])
          .describe('Actions that let a principal raise its own privilege; allowed on a wildcard resource they make a policy privileged.'),
      })
      .strict()
      .prefault({})
      .describe('What the IAM classifier counts as admin and as privilege escalation.'),
    concurrency: z.number().int().min(1).max(64).default(4).describe('Accounts collected at once.'),
    maxAttempts: z.number().int().min(1).max(20).default(8).describe('Attempts per AWS call (adaptive retry on throttling).'),
    revokeSessions: z
      .boolean()
      .default(false)
      .describe(
        'Enforce mode: when it removes a policy from a role, also deny every session issued before that moment (the "revoke older sessions" inline deny on aws:TokenIssueTime, policy AWSRevokeOlderSessions). Blast radius: every holder of a session of that role, the workloads and people still allowed included, must get new credentials. Default off.',
      ),
    credentialReportMaxAgeHours: z.number().positive().default(4).describe('Reuse a credential report younger than this; else generate a new one.'),
  })
  .strict();

export type AwsConfig = z.output<typeof awsSchema>;
export type AwsConfigInput = z.input<typeof awsSchema>;
