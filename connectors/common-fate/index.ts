// Common Fate as a ledger source: exported grants, their targets mapped to systems by the config.
import { basename } from 'node:path';
import type { Coverage, Grant } from '../../src/model/index.ts';
import { readExports } from '../files/export.ts';
import type { LedgerSource } from '../types.ts';
import { camelKeys, commonFateGrantSchema, commonFateRow } from './grants.ts';
import { commonFateSchema } from './schema.ts';

const FORMAT = { tool: 'Common Fate', listKeys: ['grants'], what: 'grant', schema: commonFateGrantSchema, prepare: camelKeys } as const;

export const commonFateSource = {
  id: 'commonFate',
  title: 'Common Fate',
  configSchema: commonFateSchema,
  systems: (config) => [...new Set(Object.values(config.targetTypes))],
  async load(config, ctx) {
    const grants: Grant[] = [];
    const coverage: Coverage[] = [];
    let skipped = new Map<string, number>();
    const eachGrant = (grant: Parameters<typeof commonFateRow>[0], file: string, line: number) => {
      const result = commonFateRow(grant, config.targetTypes, `${basename(file)}:${line}`);
      if (result.grant) grants.push(result.grant);
      if (result.skipped) skipped.set(result.skipped, (skipped.get(result.skipped) ?? 0) + 1);
    };
    const fileDone = (file: string) => {
      const notes = [...skipped].map(([why, count]) => `${count} grant(s) left out: ${why}`);
      for (const note of notes) ctx.log.warn(`commonFate: ${basename(file)}: ${note}`);
      // An active grant nobody can be matched to would turn covered access into findings: read in part.
      const unmatched = notes.find((note) => note.includes('has no email'));
      coverage.push({ system: 'ledger', target: `common-fate:${basename(file)}`, status: unmatched ? 'partial' : 'ok', ...(unmatched ? { error: unmatched } : {}), ...(notes.length ? { notes } : {}) });
      skipped = new Map();
    };
    await readExports(config.exports, ctx.baseDir, FORMAT, eachGrant, fileDone);
    return { grants, coverage };
  },
} satisfies LedgerSource<typeof commonFateSchema>;
