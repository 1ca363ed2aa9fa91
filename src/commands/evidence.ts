// `scan --evidence DIR`: the ledger and duty data a scan judged by, one JSON-lines file per ledger
// file and per schedule, and index.json with each file's sha256 (the same digests report.json carries).
// Written like the reports: new temporary files, never through a link planted there, renamed together.
import { evidenceFileName, type EvidenceData } from '../engine/evidence.ts';
import { write } from './io.ts';
import { prepareOutputDirectory } from './output.ts';

export const writeEvidence = async (dir: string, cwd: string, evidence: EvidenceData, now: string): Promise<string[]> => {
  const index = { now, ...evidence.evidence, files: Object.fromEntries(evidence.data.map(({ source }) => [evidenceFileName(source), source.sha256])) };
  const files = [
    ...evidence.data.map(({ source, lines }) => ({ name: evidenceFileName(source), text: lines })),
    { name: 'index.json', text: `${JSON.stringify(index, null, 2)}\n` },
  ];
  const output = await prepareOutputDirectory(dir, cwd, files.map((file) => file.name), '--evidence');
  return output.writeAll(files.map(({ name, text }) => ({ name, render: (out) => write(out, text) })));
};
