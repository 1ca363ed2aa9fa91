// `dutybound restore ACTION_ID`: put back what one applied action removed, from the prior state
// its `intent` line recorded; say precisely when that is not possible. Appends `restored`.
import { connectors as registry } from '../../connectors/index.ts';
import type { PrivilegeConnector, Revoker } from '../../connectors/types.ts';
import { loadConfig, type LoadedConfig } from '../config/load.ts';
import { revokerById } from '../enforce/apply.ts';
import { openAuditLog, readAuditLog } from '../enforce/audit.ts';
import { revokersOf } from '../enforce/index.ts';
import { describeError, InputError } from '../errors.ts';
import type { System } from '../model/index.ts';
import { stderrLogger, write, type Io } from './io.ts';
import { EXIT } from './scan.ts';

export interface RestoreDeps {
  connectors?: ReadonlyMap<System, PrivilegeConnector>;
  revokers?: ReadonlyMap<System, readonly Revoker<never>[]>;
  loaded?: LoadedConfig;
}

export const runRestore = async (options: { actionId: string; config?: string; quiet?: boolean }, io: Io, deps: RestoreDeps = {}): Promise<number> => {
  const loaded = deps.loaded ?? loadConfig(options.config, io.cwd, io.env);
  const auditPath = loaded.config.enforce.auditLog;
  const entries = readAuditLog(auditPath).filter((entry) => entry.action === options.actionId);
  if (!entries.length) throw new InputError(`restore: no action ${options.actionId} in the audit log ${auditPath}`);
  const intent = entries.find((entry) => entry.phase === 'intent');
  const fail = async (message: string) => {
    await write(io.stderr, `dutybound: restore ${options.actionId}: ${message}\n`);
    return EXIT.findings;
  };
  if (!intent?.prior) return fail(`it was never written (phases: ${entries.map((entry) => entry.phase).join(', ')}): nothing to restore`);
  if (entries.some((entry) => entry.phase === 'restored')) return fail('already restored (see the audit log); nothing done');
  const revokers = deps.revokers ?? revokersOf(deps.connectors ?? registry);
  const revoker = revokerById(revokers, intent.system, intent.revoker);
  if (!revoker) return fail(`revoker ${intent.revoker ?? '(none)'} of ${intent.system ?? '?'} is not available`);
  if (!revoker.restore || intent.prior.restorable === false)
    return fail(`${revoker.id} is not reversible: ${revoker.description} The prior state is in the audit log for the record.`);
  const ctx = { now: new Date(), log: stderrLogger(io, { quiet: options.quiet }), baseDir: loaded.baseDir };
  const config = (loaded.config as Record<string, unknown>)[intent.system!];
  try {
    await revoker.restore(intent.prior, config, ctx);
  } catch (error) {
    return fail(`the restore write failed: ${describeError(error)}; the prior state is in the audit log`);
  }
  const audit = openAuditLog(auditPath, () => new Date());
  try {
    const { at: _at, phase: _phase, item: _item, ...fields } = intent;
    audit.append({ ...fields, phase: 'restored' });
  } finally {
    audit.close();
  }
  await write(io.stdout, `restored ${options.actionId}: ${intent.object ?? revoker.id}\n`);
  return EXIT.clean;
};
