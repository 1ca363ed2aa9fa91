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

/** Thrown by `read` when the object is not the one collected (re-created since, uid changed): enforce skips it as `changed`. */
export class ObjectChanged extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ObjectChanged';
  }
}

/** The state of one object as a revoker read it: what its write removes and what `restore` puts back. */
export type PriorState = Record<string, unknown>;

/**
 * Removes one entitlement or disables one credential; used by enforce mode, which calls
 * `read` (no write), records the prior state durably, calls `revoke` with it, then `read`s
 * again to verify. A crash between the two leaves the prior state on record.
 */
export interface Revoker<Config = unknown> {
  id: string;
  description: string;
  /** Permissions this revoker needs (IAM actions, GitHub App permissions, RBAC verbs), reads included. */
  permissions: string[];
  /** Whether this revoker removes that entitlement or credential. */
  handles(item: { entitlement?: Entitlement; credential?: Credential }): boolean;
  /**
   * Read the object as it is now, without writing: the prior state `revoke` acts on and `restore`
   * needs, or `undefined` when the access is already gone. Throws for what must never be revoked.
   */
  read(item: { entitlement?: Entitlement; credential?: Credential }, config: Config, ctx: CollectContext): Promise<PriorState | undefined>;
  /** Write: remove exactly what `read` returned (with the preconditions the API takes: versions, ids). */
  revoke(item: { entitlement?: Entitlement; credential?: Credential }, prior: PriorState, config: Config, ctx: CollectContext): Promise<void>;
  /** Put back what `revoke` removed, from the prior state `read` returned; absent when the system cannot. */
  restore?(prior: PriorState, config: Config, ctx: CollectContext): Promise<void>;
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
