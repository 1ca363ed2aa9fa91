// The scan history: one SQLite file (Node's built-in node:sqlite, nothing native to build) that a
// nightly workflow keeps between runs. Each scan's summary and inventory digest, every finding's
// lifecycle (firstSeen, lastSeen, resolvedAt, timesSeen) and the privileged entitlements last seen.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { entitlementKey } from '../engine/inventory.ts';
import { InputError } from '../errors.ts';
import type { Severity } from '../model/index.ts';
import type { EntitlementChange, FindingRef } from '../../reports/types.ts';
import { MIGRATIONS, STORE_APPLICATION_ID } from './migrations.ts';

/** A finding as the store remembers it. */
export interface StoredFinding extends FindingRef {
  firstSeen: string;
  lastSeen: string;
  resolvedAt?: string;
  timesSeen: number;
}

/** What the previous scan left open: the history a new scan is compared with. */
export interface PreviousRun {
  /** The previous scan's evaluation instant. */
  at: string;
  /** Open findings by id. */
  findings: ReadonlyMap<string, StoredFinding>;
  /** Privileged entitlements held at the previous scan, by key; absent when it was not recorded. */
  entitlements?: ReadonlyMap<string, EntitlementChange>;
}

export interface ScanRecord {
  now: string;
  generatedAt: string;
  complete: boolean;
  summary: unknown;
  inventoryDigest: string;
  /** Every finding this scan reported (suppressed ones included: they still exist). */
  findings: readonly FindingRef[];
  /** Ids of open findings this scan judged gone. */
  resolved: readonly string[];
  /** Privileged entitlements this scan saw, and the ones it judged removed. */
  entitlements: readonly EntitlementChange[];
  removedEntitlements: readonly EntitlementChange[];
}

export { entitlementKey };

/** The store keeps a digest of the key, not the key (the row has every field): a third of the size. */
const storedKey = (e: EntitlementChange): string => createHash('sha256').update(entitlementKey(e)).digest('base64url').slice(0, 22);

const optional = (value: unknown): string | undefined => (value === null || value === undefined ? undefined : String(value));

const storedFinding = (row: Record<string, unknown>): StoredFinding => {
  const finding: StoredFinding = {
    id: String(row.id),
    rule: String(row.rule),
    severity: String(row.severity) as Severity,
    system: String(row.system),
    target: String(row.target),
    principal: String(row.principal),
    firstSeen: String(row.firstSeen),
    lastSeen: String(row.lastSeen),
    timesSeen: Number(row.timesSeen),
  };
  for (const key of ['privilege', 'resource', 'credential', 'resolvedAt'] as const) {
    const value = optional(row[key]);
    if (value !== undefined) finding[key] = value;
  }
  return finding;
};

const entitlementChange = (row: Record<string, unknown>): EntitlementChange => ({
  principal: String(row.principal),
  system: String(row.system),
  target: String(row.target),
  resource: String(row.resource),
  privilege: String(row.privilege),
  level: String(row.level),
  via: String(row.via),
});

export class StateStore {
  readonly path: string;
  private readonly db: DatabaseSync;

  private constructor(path: string, db: DatabaseSync) {
    this.path = path;
    this.db = db;
  }

  /** Opens (or creates) the store and brings its schema up to date. Anything unexpected is an input error: a store is never reset. */
  static async open(path: string): Promise<StateStore> {
    const { DatabaseSync } = await import('node:sqlite');
    const fresh = !existsSync(path) || statSync(path).size === 0;
    const db = guard(path, () => new DatabaseSync(path));
    const store = new StateStore(path, db);
    try {
      guard(path, () => store.migrate(fresh));
    } catch (error) {
      db.close();
      throw error;
    }
    return store;
  }

  private migrate(fresh: boolean): void {
    const version = Number(this.db.prepare('PRAGMA user_version').get()?.user_version);
    const applicationId = Number(this.db.prepare('PRAGMA application_id').get()?.application_id);
    const tables = Number(this.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()?.n);
    if (!fresh && (applicationId !== STORE_APPLICATION_ID || version === 0) && tables > 0)
      throw new InputError(`--state ${this.path}: a SQLite file but not a dutybound state store; it was left as it is (pass another path)`);
    if (version > MIGRATIONS.length)
      throw new InputError(
        `--state ${this.path}: written by a newer dutybound (store schema ${version}, this version reads up to ${MIGRATIONS.length}); it was left as it is — upgrade dutybound or pass another path`,
      );
    const check = this.db.prepare('PRAGMA quick_check').get()?.quick_check;
    if (check !== 'ok') throw new InputError(`--state ${this.path}: the store is damaged (${String(check)}); it was left as it is — restore it from an earlier run's copy`);
    for (let next = version; next < MIGRATIONS.length; next += 1) {
      this.db.exec('BEGIN');
      try {
        this.db.exec(MIGRATIONS[next]!);
        this.db.exec(`PRAGMA application_id = ${STORE_APPLICATION_ID}; PRAGMA user_version = ${next + 1}`);
        this.db.exec('COMMIT');
      } catch (error) {
        this.db.exec('ROLLBACK');
        throw error;
      }
    }
  }

  /** The schema version the store is at. */
  get schemaVersion(): number {
    return Number(this.db.prepare('PRAGMA user_version').get()?.user_version);
  }

  /** The previous scan and what it left open, or undefined for an empty store. */
  previous(): PreviousRun | undefined {
    return guard(this.path, () => {
      const last = this.db.prepare('SELECT now, hasEntitlements FROM scans ORDER BY id DESC LIMIT 1').get();
      if (!last) return undefined;
      const findings = new Map<string, StoredFinding>();
      for (const row of this.db.prepare('SELECT * FROM findings WHERE resolvedAt IS NULL').iterate()) findings.set(String(row.id), storedFinding(row));
      const run: PreviousRun = { at: String(last.now), findings };
      if (Number(last.hasEntitlements)) {
        const entitlements = new Map<string, EntitlementChange>();
        for (const row of this.db.prepare('SELECT * FROM entitlements WHERE removedAt IS NULL').iterate()) {
          const change = entitlementChange(row);
          entitlements.set(entitlementKey(change), change);
        }
        run.entitlements = entitlements;
      }
      return run;
    });
  }

  /** Every finding the store knows, open or resolved (for tests and audits). */
  findings(): StoredFinding[] {
    return guard(this.path, () => this.db.prepare('SELECT * FROM findings ORDER BY id').all().map(storedFinding));
  }

  scans(): { now: string; complete: boolean; inventoryDigest: string; summary: unknown }[] {
    return guard(this.path, () =>
      this.db
        .prepare('SELECT now, complete, inventoryDigest, summary FROM scans ORDER BY id')
        .all()
        .map((row) => ({ now: String(row.now), complete: Boolean(row.complete), inventoryDigest: String(row.inventoryDigest), summary: JSON.parse(String(row.summary)) })),
    );
  }

  /** Records one scan in one transaction: a crash leaves the previous night's store as it was. */
  record(scan: ScanRecord): void {
    guard(this.path, () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        this.insertScan(scan);
        this.upsertFindings(scan);
        this.upsertEntitlements(scan);
        this.db.exec('COMMIT');
      } catch (error) {
        this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  private insertScan(scan: ScanRecord): void {
    const last = this.db.prepare('SELECT now FROM scans ORDER BY id DESC LIMIT 1').get();
    if (last && Date.parse(String(last.now)) > Date.parse(scan.now))
      throw new InputError(`--state ${this.path}: its last scan was at ${String(last.now)}, later than this one (${scan.now}); pass a later --now or another store`);
    this.db
      .prepare('INSERT INTO scans (now, generatedAt, complete, summary, inventoryDigest, hasEntitlements) VALUES (?, ?, ?, ?, ?, 1)')
      .run(scan.now, scan.generatedAt, scan.complete ? 1 : 0, JSON.stringify(scan.summary), scan.inventoryDigest);
  }

  private upsertFindings(scan: ScanRecord): void {
    // Most findings were open last night: only their lastSeen and count change (no index is touched).
    const open = this.openFindingIds();
    const seenAgain = this.db.prepare('UPDATE findings SET lastSeen = ?, timesSeen = timesSeen + 1, severity = ? WHERE id = ?');
    // A new finding, or one seen again after it was resolved: a new run of scans, firstSeen moves to now.
    const upsert = this.db.prepare(`
      INSERT INTO findings (id, rule, severity, system, target, principal, privilege, resource, credential, firstSeen, lastSeen, resolvedAt, timesSeen)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 1)
      ON CONFLICT (id) DO UPDATE SET
        firstSeen = excluded.firstSeen, lastSeen = excluded.lastSeen, resolvedAt = NULL, timesSeen = findings.timesSeen + 1, severity = excluded.severity`);
    for (const f of scan.findings) {
      if (open.has(f.id)) seenAgain.run(scan.now, f.severity, f.id);
      else upsert.run(f.id, f.rule, f.severity, f.system, f.target, f.principal, f.privilege ?? null, f.resource ?? null, f.credential ?? null, scan.now, scan.now);
    }
    runEach(this.db.prepare('UPDATE findings SET resolvedAt = ? WHERE id = ? AND resolvedAt IS NULL'), scan.resolved, scan.now);
  }

  /** Privileged entitlements are written only when they come or go: the present set is what has no removedAt. */
  private upsertEntitlements(scan: ScanRecord): void {
    const present = new Set<string>();
    for (const row of this.db.prepare('SELECT key FROM entitlements WHERE removedAt IS NULL').iterate()) present.add(String(row.key));
    const upsert = this.db.prepare(`
      INSERT INTO entitlements (key, principal, system, target, resource, privilege, level, via, firstSeen, removedAt)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
      ON CONFLICT (key) DO UPDATE SET firstSeen = excluded.firstSeen, removedAt = NULL, level = excluded.level`);
    for (const e of scan.entitlements) {
      const key = storedKey(e);
      if (!present.has(key)) upsert.run(key, e.principal, e.system, e.target, e.resource, e.privilege, e.level, e.via, scan.now);
    }
    runEach(this.db.prepare('UPDATE entitlements SET removedAt = ? WHERE key = ? AND removedAt IS NULL'), scan.removedEntitlements.map(storedKey), scan.now);
  }

  private openFindingIds(): Set<string> {
    const ids = new Set<string>();
    for (const row of this.db.prepare('SELECT id FROM findings WHERE resolvedAt IS NULL').iterate()) ids.add(String(row.id));
    return ids;
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

const runEach = (statement: StatementSync, keys: readonly string[], now: string): void => {
  for (const key of keys) statement.run(now, key);
};

/** SQLite's own errors (not a database, disk image malformed, locked) become input errors naming the file. */
const guard = <T>(path: string, work: () => T): T => {
  try {
    return work();
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'ERR_SQLITE_ERROR' || code === 'ERR_INVALID_STATE')
      throw new InputError(`--state ${path}: cannot use the state store (${(error as Error).message}); it was left as it is — restore it from an earlier run's copy or pass another path`, [], {
        cause: error,
      });
    throw error;
  }
};
