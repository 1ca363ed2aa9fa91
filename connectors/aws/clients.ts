// AWS SDK clients. Credentials and endpoints follow the SDK's own settings (the default provider
// chain: env, profile, SSO, web identity; AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_IAM, …); tests and
// the simulated estate pass an endpoint and credentials programmatically.
import { IAMClient } from '@aws-sdk/client-iam';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';

export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export interface AwsClientOptions {
  /** One endpoint for every AWS service (the simulated estate); absent: the SDK's own resolution. */
  endpoint?: string;
  /** Base credentials; absent: the SDK's default provider chain. */
  credentials?: STSClientConfig['credentials'];
}

export interface ClientSettings {
  region: string;
  maxAttempts: number;
}

const common = (settings: ClientSettings, options: AwsClientOptions, credentials?: AwsClientOptions['credentials']) => ({
  region: settings.region,
  // Adaptive retry: exponential backoff plus a client-side rate limiter that slows down on throttling.
  retryMode: 'adaptive',
  maxAttempts: settings.maxAttempts,
  ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  ...((credentials ?? options.credentials) ? { credentials: credentials ?? options.credentials } : {}),
});

export const awsClients = (settings: ClientSettings, options: AwsClientOptions = {}) => {
  const sts = new STSClient(common(settings, options));
  return {
    sts,
    organizations: () => new OrganizationsClient(common(settings, options)),
    ssoAdmin: (region: string) => new SSOAdminClient(common({ ...settings, region }, options)),
    identityStore: (region: string) => new IdentitystoreClient(common({ ...settings, region }, options)),
    /** IAM with the base credentials, or with those of an assumed role. */
    iam: (credentials?: AwsCredentialIdentity) => new IAMClient(common(settings, options, credentials)),
    callerAccount: async (): Promise<string> => {
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      if (!identity.Account) throw new Error('sts:GetCallerIdentity returned no account');
      return identity.Account;
    },
    assumeRole: async (account: string, roleName: string, externalId: string | undefined): Promise<AwsCredentialIdentity> => {
      const roleArn = `arn:aws:iam::${account}:role/${roleName}`;
      const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'dutybound', ...(externalId ? { ExternalId: externalId } : {}), DurationSeconds: 3600 }));
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`sts:AssumeRole ${roleArn} returned no credentials`);
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    },
    destroy: () => sts.destroy(),
  };
};

export type AwsClients = ReturnType<typeof awsClients>;
