// The one interface every privilege connector implements (plain objects that `satisfies` it).
import type { z } from 'zod';
import type { Coverage, Credential, Entitlement, Grant, Principal, System } from '../src/model/index.ts';
import type { NetworkSettings } from './network.ts';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  /** Per-target progress of long scans (started, requests sent, retries, done); absent: not shown. */
  progress?(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, debug() {} };

export interface CollectContext {
  /** The evaluation instant, for decisions like "reuse a credential report younger than 4 hours". */
  now: Date;
  log: Logger;
  /** Directory the config file lives in: relative paths in the connector's section resolve against it. */
  baseDir: string;
  /** `--only SYSTEM:TARGET`: collect this target only (undefined: all). */
  onlyTarget?: string;
  /** The whole scan's deadline (`--timeout`): aborted, every unfinished target fails with its reason. */
  signal?: AbortSignal;
  /** Request deadlines, retry budgets and body caps (the config's `network:` section; defaults when absent). */
  network?: NetworkSettings;
}

/** What one connector returns: its part of the inventory, with one coverage row per target. */
export interface CollectResult {
  coverage: Coverage[];
  principals: Principal[];
  entitlements: Entitlement[];
  credentials: Credential[];
}

/** The least-privilege document a connector needs, printed by `dutybound permissions SYSTEM`. */
export interface PermissionsDocument {
  /** `json` (AWS policy, GitHub App permissions) or `yaml` (a Kubernetes ClusterRole). */
  format: 'json' | 'yaml';
  scan: unknown;
  enforce: unknown;
  notes?: string[];
}

/** Removes one entitlement or disables one credential; used by enforce mode. */
export interface Revoker<Config = unknown> {
  id: string;
  description: string;
  /** Permissions this revoker needs (IAM actions, GitHub App permissions, RBAC verbs). */
  permissions: string[];
  /** Whether this revoker removes that entitlement or credential. */
  handles(item: { entitlement?: Entitlement; credential?: Credential }): boolean;
  /** Revoke it; returns the prior state, enough for `restore`. */
  revoke(item: { entitlement?: Entitlement; credential?: Credential }, config: Config, ctx: CollectContext): Promise<Record<string, unknown>>;
  /** Put back what `revoke` removed, from the prior state it returned. */
  restore?(prior: Record<string, unknown>, config: Config, ctx: CollectContext): Promise<void>;
}

export interface PrivilegeConnector<Schema extends z.ZodType = z.ZodType> {
  id: System;
  title: string;
  /** The zod schema of this connector's section of dutybound.yaml (the key is the connector id). */
  configSchema: Schema;
  collect(config: z.output<Schema>, ctx: CollectContext): Promise<CollectResult>;
  permissions(): PermissionsDocument;
  revokers: Revoker<z.output<Schema>>[];
}

/** What a ledger source returns: ledger rows, and one coverage row (system `ledger`) per table or file it read. */
export interface LedgerResult {
  grants: Grant[];
  coverage: Coverage[];
}

/**
 * A source of ledger rows beyond the ledger files: a JIT tool's approvals (AWS TEAM, Teleport,
 * Common Fate). A malformed export throws InputError (exit 2); an unreachable table is a failed
 * coverage row, and the findings that depend on it are not reported.
 */
export interface LedgerSource<Schema extends z.ZodType = z.ZodType> {
  /** The config key of its section. */
  id: string;
  title: string;
  configSchema: Schema;
  /** The systems whose entitlements its rows cover (a failed read leaves their ledger findings unverifiable). */
  systems(config: z.output<Schema>): System[];
  load(config: z.output<Schema>, ctx: CollectContext): Promise<LedgerResult>;
}
