// Revokers for enforce mode: each removes exactly one GitHub entitlement or credential.
import type { Revoker } from '../types.ts';
import type { GithubConfig } from './schema.ts';

export const githubRevokers: Revoker<GithubConfig>[] = [];
