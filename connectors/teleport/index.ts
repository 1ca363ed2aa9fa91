// Teleport as a ledger source: exported access requests, their roles mapped by the config.
import { basename } from 'node:path';
import type { Coverage, Grant } from '../../src/model/index.ts';
import { readExports } from '../files/export.ts';
import type { LedgerSource } from '../types.ts';
import { teleportRequestSchema, teleportRows } from './requests.ts';
import { teleportSchema } from './schema.ts';

const FORMAT = { tool: 'Teleport', listKeys: ['requests', 'items'], what: 'access request', schema: teleportRequestSchema } as const;

export const teleportSource = {
  id: 'teleport',
  title: 'Teleport',
  configSchema: teleportSchema,
  systems: (config) => [...new Set(Object.values(config.roles).flatMap((accesses) => accesses.map((access) => access.system)))],
  async load(config, ctx) {
    const grants: Grant[] = [];
    const coverage: Coverage[] = [];
    let unmapped = new Set<string>();
    let unknownUsers = new Set<string>();
    const eachRequest = (request: Parameters<typeof teleportRows>[0], file: string, line: number) => {
      const rows = teleportRows(request, config, `${basename(file)}:${line}`);
      for (const grant of rows.grants) grants.push(grant);
      for (const role of rows.unmappedRoles) unmapped.add(role);
      if (rows.unknownUser) unknownUsers.add(rows.unknownUser);
    };
    const fileDone = (file: string) => {
      const notes = [
        ...(unmapped.size ? [`roles not in teleport.roles, so not in the ledger: ${[...unmapped].sort().join(', ')}`] : []),
        ...(unknownUsers.size ? [`users that are not emails (set teleport.emailDomain): ${[...unknownUsers].sort().join(', ')}`] : []),
      ];
      for (const note of notes) ctx.log.warn(`teleport: ${basename(file)}: ${note}`);
      // An approved request nobody can be matched to would turn covered access into findings: read in part.
      const status = unknownUsers.size ? ('partial' as const) : ('ok' as const);
      coverage.push({ system: 'ledger', target: `teleport:${basename(file)}`, status, ...(status === 'partial' ? { error: notes.at(-1) } : {}), ...(notes.length ? { notes } : {}) });
      unmapped = new Set();
      unknownUsers = new Set();
    };
    await readExports(config.exports, ctx.baseDir, FORMAT, eachRequest, fileDone);
    return { grants, coverage };
  },
} satisfies LedgerSource<typeof teleportSchema>;
