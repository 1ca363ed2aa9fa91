// AWS TEAM as a ledger source: its requests table (live) or exports of it, as ledger rows.
import { basename } from 'node:path';
import { describeError } from '../../src/errors.ts';
import type { Coverage, Grant } from '../../src/model/index.ts';
import { readExports, untyped, validateRecord } from '../files/export.ts';
import type { LedgerResult, LedgerSource } from '../types.ts';
import { teamGrant, teamRequestSchema } from './requests.ts';
import { awsTeamSchema, type AwsTeamConfig } from './schema.ts';
import { scanTable } from './table.ts';

const FORMAT = { tool: 'AWS TEAM', listKeys: ['Items'], what: 'TEAM request', schema: teamRequestSchema, prepare: untyped } as const;

const loadExports = async (config: AwsTeamConfig, baseDir: string): Promise<LedgerResult> => {
  const grants: Grant[] = [];
  const coverage: Coverage[] = [];
  await readExports(
    config.exports,
    baseDir,
    FORMAT,
    (request, file, line) => {
      const grant = teamGrant(request, `${basename(file)}:${line}`);
      if (grant) grants.push(grant);
    },
    (file) => coverage.push({ system: 'ledger', target: `aws-team:${basename(file)}`, status: 'ok' }),
  );
  return { grants, coverage };
};

const loadTable = async (config: AwsTeamConfig & { table: string }, ctx: Parameters<LedgerSource['load']>[1]): Promise<LedgerResult> => {
  const target = `aws-team:${config.table}`;
  try {
    const grants: Grant[] = [];
    const problems: string[] = [];
    (await scanTable(config, ctx)).forEach((item, index) => {
      const row = { value: item, line: index + 1, lineOf: () => index + 1 };
      const checked = validateRecord(`table ${config.table} item`, row, teamRequestSchema, untyped(item));
      for (const found of checked.problems) problems.push(found.text);
      const grant = checked.data ? teamGrant(checked.data, `aws-team table ${config.table}`) : undefined;
      if (grant) grants.push(grant);
    });
    // A malformed item in a live table is the tool's data, not the user's input: the table is read in part.
    if (problems.length) return { grants, coverage: [{ system: 'ledger', target, status: 'partial', error: `${problems.length} malformed request field(s), first: ${problems[0]}` }] };
    return { grants, coverage: [{ system: 'ledger', target, status: 'ok' }] };
  } catch (error) {
    ctx.log.warn(`awsTeam: reading table ${config.table} failed: ${describeError(error)}`);
    return { grants: [], coverage: [{ system: 'ledger', target, status: 'failed', error: describeError(error) }] };
  }
};

export const awsTeamSource = {
  id: 'awsTeam',
  title: 'AWS TEAM',
  configSchema: awsTeamSchema,
  systems: () => ['aws'],
  async load(config, ctx) {
    const fromExports = await loadExports(config, ctx.baseDir);
    const fromTable = config.table !== undefined ? await loadTable({ ...config, table: config.table }, ctx) : { grants: [], coverage: [] };
    return { grants: [...fromExports.grants, ...fromTable.grants], coverage: [...fromExports.coverage, ...fromTable.coverage] };
  },
} satisfies LedgerSource<typeof awsTeamSchema>;
