// Third-party real-format data (an AWS authorization-details export, the OASIS SARIF schema)
// that lies beside the project's own checkouts and CI, never inside the repository: others'
// work, kept under their licences. This is the one place that knows where it lies. Tests that
// use it run when it is there and say in one line that they were left out when it is not;
// with DUTYBOUND_REQUIRE_REALDATA=1 (set by .ci/run) its absence is a failure instead.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export const REALDATA_FILES = {
  awsAuthorizationDetails: 'aws/cloudsplaining-example-authorization-details.json',
  sarifSchema: 'sarif/sarif-schema-2.1.0.json',
} as const;

export interface RealDataOptions {
  /** Where the data lies (DUTYBOUND_REALDATA, else `realdata/` of the folder beside the clone). */
  dir: string;
  /** Absence is an error, not a note (DUTYBOUND_REQUIRE_REALDATA=1). */
  required: boolean;
  note: (line: string) => void;
}

export const realDataOptions = (env: NodeJS.ProcessEnv = process.env): RealDataOptions => ({
  dir: env.DUTYBOUND_REALDATA ? resolve(env.DUTYBOUND_REALDATA) : join(repoRoot, '..', 'shared', 'realdata'),
  required: env.DUTYBOUND_REQUIRE_REALDATA === '1',
  note: (line) => process.stderr.write(`${line}\n`),
});

/** The file's path when the data is there; else undefined after one printed line (or a throw when required). */
export const findRealData = (file: keyof typeof REALDATA_FILES, what: string, options: RealDataOptions = realDataOptions()): string | undefined => {
  const path = join(options.dir, REALDATA_FILES[file]);
  if (existsSync(path)) return path;
  if (options.required) throw new Error(`real-format data required (DUTYBOUND_REQUIRE_REALDATA=1) but missing: ${path}`);
  options.note(`left out: ${what} (third-party real-format data not found at ${path})`);
  return undefined;
};
