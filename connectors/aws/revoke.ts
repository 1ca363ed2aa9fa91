// Revokers used by enforce mode: each removes exactly one entitlement or disables one credential.
import type { Revoker } from '../types.ts';
import type { AwsConfig } from './schema.ts';

export const awsRevokers: Revoker<AwsConfig>[] = [];
