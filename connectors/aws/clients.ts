// AWS SDK clients. Credentials and endpoints follow the SDK's own settings (the default provider
// chain: env, profile, SSO, web identity; AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_IAM, …); tests and
// the simulated estate pass an endpoint and credentials programmatically.
import { IAMClient } from '@aws-sdk/client-iam';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { TargetNetwork, type NetworkSettings } from '../network.ts';
import type { Logger } from '../types.ts';
import { BoundedHttpHandler } from './handler.ts';

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

/** The scan's network bounds (deadline, settings, progress) the clients are built under. */
export interface ClientBounds {
  network?: NetworkSettings;
  log?: Logger;
  signal?: AbortSignal;
}

const common = (settings: ClientSettings, options: AwsClientOptions, net: TargetNetwork, credentials?: AwsClientOptions['credentials']) => ({
  region: settings.region,
  requestHandler: new BoundedHttpHandler(net),
  // Adaptive retry: exponential backoff plus a client-side rate limiter that slows down on throttling.
  retryMode: 'adaptive',
  maxAttempts: settings.maxAttempts,
  ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  ...((credentials ?? options.credentials) ? { credentials: credentials ?? options.credentials } : {}),
});

export const awsClients = (settings: ClientSettings, options: AwsClientOptions = {}, bounds: ClientBounds = {}) => {
  /** One target's network share: its own deadline per attempt, budget and progress line. */
  const network = (label: string) => new TargetNetwork(label, bounds.network, bounds.log, bounds.signal);
  const shared = network('aws');
  const sts = new STSClient(common(settings, options, shared));
  return {
    sts,
    network,
    organizations: () => new OrganizationsClient(common(settings, options, network('aws organization'))),
    ssoAdmin: (region: string, net = shared) => new SSOAdminClient(common({ ...settings, region }, options, net)),
    identityStore: (region: string, net = shared) => new IdentitystoreClient(common({ ...settings, region }, options, net)),
    /** IAM with the base credentials, or with those of an assumed role, under one account's network share. */
    iam: (credentials?: AwsCredentialIdentity, net = shared) => new IAMClient(common(settings, options, net, credentials)),
    callerAccount: async (): Promise<string> => {
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      if (!identity.Account) throw new Error('sts:GetCallerIdentity returned no account');
      return identity.Account;
    },
    /** AssumeRole under the account's own network share: a stalled call fails that account only. */
    assumeRole: async (account: string, roleName: string, externalId: string | undefined, net = shared): Promise<AwsCredentialIdentity> => {
      const roleArn = `arn:aws:iam::${account}:role/${roleName}`;
      const accountSts = new STSClient(common(settings, options, net));
      const out = await accountSts
        .send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'dutybound', ...(externalId ? { ExternalId: externalId } : {}), DurationSeconds: 3600 }))
        .finally(() => accountSts.destroy());
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`sts:AssumeRole ${roleArn} returned no credentials`);
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    },
    destroy: () => sts.destroy(),
  };
};

export type AwsClients = ReturnType<typeof awsClients>;
