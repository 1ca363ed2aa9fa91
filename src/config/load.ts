// Reads dutybound.yaml (or .json), substitutes ${ENV} references, validates it with zod
// and resolves relative paths against the file's directory.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { InputError, inputErrors } from '../errors.ts';
import { configSchema, type Config } from './schema.ts';
import { documentTooLarge, MAX_DOCUMENT_BYTES, parseYaml } from './yaml.ts';

/** The config's text: a regular file within the document size limit (never /dev/zero or a FIFO). */
const readDocument = (file: string): string => {
  const stat = statSync(file);
  if (!stat.isFile()) throw new InputError(`${file}: not a regular file`);
  if (stat.size > MAX_DOCUMENT_BYTES) throw new InputError(`${file}: ${documentTooLarge(stat.size)}`);
  return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
};

export interface LoadedConfig {
  config: Config;
  /** The directory relative paths resolve against (the config's, else the working directory). */
  baseDir: string;
  /** The config file read, if any. */
  file?: string;
}

export const DEFAULT_CONFIG_FILES = ['dutybound.yaml', 'dutybound.yml', 'dutybound.json'];

/** Line of a path in the document read, when known. */
export type LineOf = (path: readonly PropertyKey[]) => number | undefined;

/** `line 4: rules.graceMinutes: expected number, received string` — zod issues as one line each. */
export const formatZodIssues = (error: z.ZodError, prefix = '', lineOf?: LineOf): string[] =>
  error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    // An unknown key is on the key's own line.
    const line = lineOf?.(issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...issue.path, issue.keys[0]] : issue.path);
    return `${line === undefined ? '' : `line ${line}: `}${path || '(root)'}: ${issue.message.replace(/^Invalid input: /, '')}`;
  });

const substituteEnv = (value: unknown, env: NodeJS.ProcessEnv, missing: string[]): unknown => {
  if (typeof value === 'string')
    return value.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined) missing.push(name);
      return found ?? '';
    });
  if (Array.isArray(value)) return value.map((item) => substituteEnv(item, env, missing));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteEnv(item, env, missing)]));
  return value;
};

export const resolvePath = (baseDir: string, path: string): string =>
  /^https?:\/\//.test(path) || isAbsolute(path) ? path : resolve(baseDir, path.replace(/^~(?=\/)/, process.env.HOME ?? '~'));

/** Parse and validate a config object already read from `file` (for tests and the demo). */
export const parseConfig = (raw: unknown, file: string, env: NodeJS.ProcessEnv = process.env, lineOf?: LineOf): Config => {
  const missing: string[] = [];
  const substituted = substituteEnv(raw ?? {}, env, missing);
  if (missing.length) throw inputErrors(file, missing.map((name) => `environment variable ${name} is referenced but not set`));
  const result = configSchema.safeParse(substituted);
  if (!result.success) throw inputErrors(file, formatZodIssues(result.error, '', lineOf));
  return result.data;
};

export const loadConfig = (configPath: string | undefined, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): LoadedConfig => {
  const file = configPath ? resolve(cwd, configPath) : DEFAULT_CONFIG_FILES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
  if (!file) return { config: parseConfig({}, '(defaults)', env), baseDir: cwd };
  if (!existsSync(file)) throw new InputError(`${file}: config file not found`);
  const { parsed, problems } = parseYaml(readDocument(file), { json: extname(file).toLowerCase() === '.json' });
  const read = parsed?.toJs();
  if (!parsed || read?.problem) throw inputErrors(file, [...problems, ...(read?.problem ? [read.problem] : [])].map(({ line, message }) => `line ${line}: ${message}`));
  const config = parseConfig(read?.value, file, env, (path) => parsed.lineOf(path));
  const baseDir = dirname(file);
  return {
    file,
    baseDir,
    config: {
      ...config,
      ledger: config.ledger.map((path) => resolvePath(baseDir, path)),
      schedule: config.schedule.map((path) => resolvePath(baseDir, path)),
      people: config.people === undefined ? undefined : resolvePath(baseDir, config.people),
      enforce: { ...config.enforce, auditLog: resolvePath(baseDir, config.enforce.auditLog) },
    },
  };
};
