// Access that enforce removed and that is back (a person or a controller re-granted it): marked on
// the action and in the finding's evidence, from the audit log's earlier `verified` lines.
import type { Finding } from '../model/index.ts';
import type { EnforceAction } from './types.ts';

/** An action whose finding an earlier action already removed: the access came back (a person or a controller re-granted it). */
export const markRegranted = (actions: EnforceAction[], removed: ReadonlyMap<string, { action: string; removedAt: string }>): void => {
  for (const action of actions) {
    const earlier = action.findings.map((id) => removed.get(id)).find((found) => found !== undefined);
    if (earlier) action.regranted = { ...earlier };
  }
};

/** The finding says it too, in its evidence (a new object: findings are shared). */
export const withRegrantEvidence = (findings: Finding[], actions: readonly EnforceAction[]): Finding[] => {
  const back = new Map(actions.filter((a) => a.regranted).flatMap((a) => a.findings.map((id) => [id, a] as const)));
  if (!back.size) return findings;
  return findings.map((finding) => {
    const action = back.get(finding.id);
    if (!action) return finding;
    const { regranted } = action;
    const text = `removed by enforce action ${regranted!.action} at ${regranted!.removedAt} and back since${regranted!.by ? `, written by ${regranted!.by}` : ''}; this run's action: ${action.id}`;
    return { ...finding, evidence: { ...finding.evidence, regranted: text } };
  });
};
