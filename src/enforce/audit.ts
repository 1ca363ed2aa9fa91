// The audit log: append-only JSONL, one line per phase of an action, each line fsynced before
// the next step (an `intent` is on disk before its write). Together with the ledger row it is the
// evidence: who had access, when, why, and when it was removed.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../errors.ts';
import { AUDIT_PHASES, type AuditEntry, type EnforceAction } from './types.ts';

export interface AuditLog {
  readonly path: string;
  append(entry: Omit<AuditEntry, 'at'>): void;
  close(): void;
}

/** Opens the log for appending; `clock` stamps each line. */
export const openAuditLog = (path: string, clock: () => Date): AuditLog => {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a');
  return {
    path,
    append(entry) {
      writeSync(fd, `${JSON.stringify({ at: clock().toISOString(), ...entry })}\n`);
      fsyncSync(fd);
    },
    close: () => closeSync(fd),
  };
};

/** Every line of the log; a torn last line (a crash mid-append) is ignored, any other bad line is an input error. */
export const readAuditLog = (path: string): AuditEntry[] => {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  const entries: AuditEntry[] = [];
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    try {
      const entry = JSON.parse(line) as AuditEntry;
      if (typeof entry.action !== 'string' || !(AUDIT_PHASES as readonly string[]).includes(entry.phase)) throw new Error('expected an object with action and phase');
      entries.push(entry);
    } catch (error) {
      const last = lines.slice(index + 1).every((rest) => !rest.trim());
      if (!last) throw new InputError(`${path}:${index + 1}: not an audit log line (${(error as Error).message})`);
    }
  });
  return entries;
};

/** The audit fields of an action (what every phase line repeats). */
export const auditFields = (action: EnforceAction): Omit<AuditEntry, 'at' | 'phase'> => ({
  action: action.id,
  rule: action.rule,
  finding: action.finding,
  ...(action.grant !== undefined ? { grant: action.grant } : {}),
  system: action.system,
  target: action.target,
  principal: action.principal,
  object: action.object,
  ...(action.revoker !== undefined ? { revoker: action.revoker } : {}),
});

/** When each finding was first planned (earliest `planned` line). */
export const firstPlannedAt = (entries: readonly AuditEntry[]): Map<string, string> => {
  const first = new Map<string, string>();
  for (const entry of entries) {
    if (entry.phase !== 'planned' || entry.finding === undefined) continue;
    const known = first.get(entry.finding);
    if (known === undefined || Date.parse(entry.at) < Date.parse(known)) first.set(entry.finding, entry.at);
  }
  return first;
};

/** `intent` lines with no `outcome` after them: writes a crash interrupted. */
export const unfinishedIntents = (entries: readonly AuditEntry[]): AuditEntry[] => {
  const finished = new Set(entries.filter((entry) => entry.phase === 'outcome').map((entry) => entry.action));
  return entries.filter((entry) => entry.phase === 'intent' && !finished.has(entry.action));
};

/** Findings whose access an earlier action removed (verified, not restored since): finding id → that action. */
export const removedEarlier = (entries: readonly AuditEntry[]): Map<string, { action: string; removedAt: string }> => {
  const restored = new Set(entries.filter((entry) => entry.phase === 'restored').map((entry) => entry.action));
  const removed = new Map<string, { action: string; removedAt: string }>();
  for (const entry of entries)
    if (entry.phase === 'verified' && entry.finding !== undefined && !restored.has(entry.action)) removed.set(entry.finding, { action: entry.action, removedAt: entry.at });
  return removed;
};
