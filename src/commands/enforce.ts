// `dutybound enforce (--plan | --apply)`: collect live, evaluate, plan, guard, and (with --apply
// and enforce.enabled) revoke, with every step in the audit log and the plan in every report.
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { connectors as registry } from '../../connectors/index.ts';
import type { PrivilegeConnector, Revoker } from '../../connectors/types.ts';
import { buildReport } from '../../reports/build.ts';
import { renderers } from '../../reports/index.ts';
import { FORMATS, type Report } from '../../reports/types.ts';
import { loadConfig, resolvePath, type LoadedConfig } from '../config/load.ts';
import { applyActions, reconcile, type ApplyContext, type Reconciled } from '../enforce/apply.ts';
import { auditFields, firstPlannedAt, openAuditLog, readAuditLog, removedEarlier, type AuditLog } from '../enforce/audit.ts';
import { markRegranted, withRegrantEvidence } from '../enforce/regrant.ts';
import { planAndGuard, revokersOf } from '../enforce/index.ts';
import { enforcementSection } from '../enforce/report.ts';
import type { EnforceAction } from '../enforce/types.ts';
import { InputError } from '../errors.ts';
import { assertOnlyMatched, collectInventory, configuredConnectors, parseOnly } from '../engine/collect.ts';
import { readInventoryFiles } from '../engine/inventory.ts';
import { judge } from '../engine/judge.ts';
import { loadDesiredState, sourcePaths } from '../engine/sources.ts';
import type { Inventory, System } from '../model/index.ts';
import { say, stderrLogger, type Io } from './io.ts';
import { prepareOutputDirectory } from './output.ts';
import { EXIT, parseNow, reportBasics, reportContext, SCAN_DEFAULT_OUT, writeReports } from './scan.ts';

export const ENFORCE_EXIT = { ...EXIT, blocked: 4 } as const;

export interface EnforceOptions {
  config?: string;
  now?: string;
  only?: string;
  out?: string;
  plan?: boolean;
  apply?: boolean;
  maxActions?: number;
  inventory?: string[];
  quiet?: boolean;
}

/** What tests replace: the connectors that collect and the revokers that write. */
export interface EnforceDeps {
  connectors?: ReadonlyMap<System, PrivilegeConnector>;
  revokers?: ReadonlyMap<System, readonly Revoker<never>[]>;
  loaded?: LoadedConfig;
}

export interface EnforceResult {
  exitCode: number;
  report: Report;
  actions: EnforceAction[];
}

/** Usage errors, before anything is read: exit 2, nothing revoked. */
const checkOptions = (options: EnforceOptions, loaded: LoadedConfig): void => {
  if (options.plan === options.apply) throw new InputError('enforce: name exactly one of --plan (show what would be revoked) or --apply (revoke it)');
  if (options.apply && options.inventory?.length)
    throw new InputError('enforce --apply: --inventory is refused; a file cannot prove the object still exists. Enforce collects live; use --inventory with --plan only.');
  const limit = loaded.config.enforce.maxActions;
  if (options.maxActions !== undefined && (!Number.isInteger(options.maxActions) || options.maxActions < 0))
    throw new InputError(`--max-actions: expected a whole number of 0 or more, got ${options.maxActions}`);
  if (options.maxActions !== undefined && options.maxActions > limit)
    throw new InputError(`--max-actions ${options.maxActions}: may only lower enforce.maxActions (${limit} in ${loaded.file ?? 'the defaults'}); raise it in the config instead`);
};

const readInventory = async (options: EnforceOptions, loaded: LoadedConfig, io: Io, now: Date, connectors: ReadonlyMap<System, PrivilegeConnector>): Promise<Inventory> => {
  const only = parseOnly(options.only);
  if (options.inventory?.length) {
    const read = await readInventoryFiles(options.inventory.map((path) => resolvePath(io.cwd, path)), now.toISOString());
    assertOnlyMatched(read, only, options.only!);
    return read;
  }
  if (!configuredConnectors(loaded.config, only, connectors).length)
    throw new InputError(only ? `--only ${options.only}: no such system configured` : 'nothing to enforce: configure aws, github or kubernetes in dutybound.yaml');
  const inventory = await collectInventory(loaded.config, { now, log: stderrLogger(io, { quiet: options.quiet }), baseDir: loaded.baseDir }, only, connectors);
  assertOnlyMatched(inventory, only, options.only!);
  return inventory;
};

/** `--only` narrows the actions too: a shard enforces only its own targets. */
const inScope = (options: EnforceOptions) => {
  const only = parseOnly(options.only);
  return (action: EnforceAction) => !only || (action.system === only.system && (!only.target || action.target === only.target));
};

export const runEnforce = async (options: EnforceOptions, io: Io, deps: EnforceDeps = {}): Promise<EnforceResult> => {
  const loaded = deps.loaded ?? loadConfig(options.config, io.cwd, io.env);
  checkOptions(options, loaded);
  const now = parseNow(options.now);
  const clock = options.now === undefined ? () => new Date() : () => now;
  const { config } = loaded;
  const connectors = deps.connectors ?? registry;
  const revokers = deps.revokers ?? revokersOf(connectors);
  const auditPath = config.enforce.auditLog;
  const entries = readAuditLog(auditPath);

  const log = stderrLogger(io, { quiet: options.quiet });
  // Before any collection: a run must not revoke and then find it cannot write its reports.
  const output = await prepareOutputDirectory(options.out ?? SCAN_DEFAULT_OUT, io.cwd, FORMATS.map((format) => renderers.get(format)!.fileName));
  const desired = await loadDesiredState(sourcePaths(config, { ledger: [], schedule: [] }, io.cwd), config, now, { baseDir: loaded.baseDir, log, env: io.env });
  const inventory = await readInventory(options, loaded, io, now, connectors);
  // Judged as a scan judges (nothing suppressed is planned); what rests on a source in doubt is
  // planned so that the coverage guard blocks it by name.
  const { findings } = judge({ inventory, grants: desired.grants, desired, config, now, keepDoubtful: true });

  const audit = openAuditLog(auditPath, clock);
  try {
    const context: ApplyContext = {
      revokers,
      configOf: (system) => (config as Record<string, unknown>)[system],
      ctx: { now, log, baseDir: loaded.baseDir },
      audit,
    };
    // An interrupted write of an earlier run is settled before anything new is planned.
    const reconciled: Reconciled[] = options.apply ? await reconcile(entries, context) : [];
    const { plan, guards } = planAndGuard({
      findings,
      inventory,
      desired,
      config,
      configFile: basename(loaded.file ?? 'dutybound.yaml'),
      now,
      runId: `${now.toISOString()}/${randomUUID()}`,
      revokers,
      firstPlanned: firstPlannedAt(entries),
      ...(options.maxActions !== undefined ? { maxActions: options.maxActions } : {}),
      apply: options.apply === true,
    });
    const actions = plan.actions.filter(inScope(options));
    markRegranted(actions, removedEarlier(entries));
    recordPlan(actions, audit, options.apply === true);
    if (options.apply && !guards.blocked) await applyActions(actions, context);

    const report = buildReport(reportBasics(now, withRegrantEvidence(findings, actions), [...inventory.coverage, ...desired.coverage], config));
    report.enforcement = { ...enforcementSection({ mode: options.apply ? 'apply' : 'plan', enabled: config.enforce.enabled, rules: plan.rules, actions, ...(guards.blocked ? { blocked: guards.blocked } : {}), reconciled }), auditLog: auditPath };
    const written = await writeReports(report, output, FORMATS, reportContext(config, desired.grants, io.cwd));
    await say(io.stdout, summarize(actions, guards.blocked?.reason, reconciled, written));
    const exitCode = options.plan ? ENFORCE_EXIT.clean : applyExitCode(actions, guards.blocked !== undefined, guards.coverageBlocked || !report.complete);
    return { exitCode, report, actions };
  } finally {
    audit.close();
  }
};

/** `planned` lines (the staged guard reads them) and, when applying, `refused` ones. */
const recordPlan = (actions: readonly EnforceAction[], audit: AuditLog, apply: boolean): void => {
  for (const action of actions) {
    if (action.status === 'refused') {
      if (apply) audit.append({ ...auditFields(action), phase: 'refused', error: action.reason });
      continue;
    }
    audit.append({ ...auditFields(action), phase: 'planned', ...(action.status === 'blocked' ? { error: `blocked (${action.guard}): ${action.reason}` } : {}) });
  }
};

/** 4 a guard blocked the whole apply; 3 coverage incomplete; 1 an action failed, was refused or changed; else 0. */
const applyExitCode = (actions: readonly EnforceAction[], wholeBlocked: boolean, incomplete: boolean): number => {
  if (wholeBlocked) return ENFORCE_EXIT.blocked;
  if (incomplete) return ENFORCE_EXIT.incomplete;
  if (actions.some((action) => ['failed', 'refused', 'changed'].includes(action.status))) return ENFORCE_EXIT.findings;
  return ENFORCE_EXIT.clean;
};


const summarize = (actions: readonly EnforceAction[], blocked: string | undefined, reconciled: readonly Reconciled[], written: readonly string[]): string => {
  const lines: string[] = [];
  for (const item of reconciled) lines.push(`reconciled ${item.action}: ${item.status} — ${item.reason}`);
  if (!actions.length) lines.push('enforce: nothing to do');
  for (const action of actions) lines.push(`${action.status.padEnd(8)} ${action.id} ${action.rule} ${action.object}${action.reason ? ` — ${action.reason}` : ''}`);
  if (blocked) lines.push(`BLOCKED: ${blocked}`);
  for (const path of written) lines.push(`wrote ${path}`);
  return `${lines.join('\n')}\n`;
};
