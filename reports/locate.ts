// Where a finding's decisive evidence sits in the repository the scan runs in: the ledger row of
// its grant. Code scanning then opens the alert on that line; without one it uses a synthetic path.
import { isAbsolute, relative, sep } from 'node:path';
import type { Finding, Grant } from '../src/model/index.ts';
import type { SourceLocation } from './types.ts';

export const ledgerLocator = (grants: readonly Grant[], repositoryRoot: string): ((finding: Finding) => SourceLocation | undefined) => {
  const byId = new Map<string, SourceLocation>();
  for (const grant of grants) {
    if (!grant.origin) continue;
    const path = relative(repositoryRoot, grant.origin.file);
    if (!path || path.startsWith('..') || isAbsolute(path)) continue;
    byId.set(grant.id, { uri: path.split(sep).map(encodeURIComponent).join('/'), line: grant.origin.line });
  }
  return (finding) => (finding.grant === undefined ? undefined : byId.get(finding.grant));
};
