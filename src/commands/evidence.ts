// `scan --evidence DIR`: the ledger and duty data a scan judged by, one JSON-lines file per ledger
// file and per schedule, and index.json with each file's sha256 (the same digests report.json carries).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { evidenceFileName, type EvidenceData } from '../engine/evidence.ts';
import { InputError } from '../errors.ts';

export const writeEvidence = async (dir: string, cwd: string, evidence: EvidenceData, now: string): Promise<string[]> => {
  const target = resolve(cwd, dir);
  await mkdir(target, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`--evidence ${dir}: cannot use it as the evidence directory (${error.code ?? error.message})`);
  });
  const written: string[] = [];
  for (const { source, lines } of evidence.data) {
    const path = join(target, evidenceFileName(source));
    await writeFile(path, lines);
    written.push(path);
  }
  const index = { now, ...evidence.evidence, files: Object.fromEntries(evidence.data.map(({ source }) => [evidenceFileName(source), source.sha256])) };
  const indexPath = join(target, 'index.json');
  await writeFile(indexPath, `${JSON.stringify(index, null, 2)}\n`);
  return [...written, indexPath];
};
