// Reads dutybound.yaml (or .json), substitutes ${ENV} references, validates it with zod
// and resolves relative paths against the file's directory.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { resolvePath } from './paths.ts';
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

/**
 * The fields where `${VAR}` is replaced by an environment variable: file paths, feed URLs (not
 * their scheme and host), account ids and the AWS external id, the GitHub App's ids and key.
 * Anywhere else (`github.baseUrl` above all, which receives the token) a reference is an error.
 */
export const ENV_FIELDS = [
  'ledger', 'ledger.*', 'schedule', 'schedule.*', 'people', 'enforce.auditLog',
  'aws.accounts.*', 'aws.accounts.*.id', 'aws.accounts.*.externalId', 'aws.externalId', 'aws.organization.externalId',
  'aws.exports.*.authorizationDetails', 'aws.exports.*.credentialReport',
  'github.app.appId', 'github.app.installationId', 'github.app.privateKeyFile', 'github.etagCacheFile',
  'kubernetes.kubeconfig', 'kubernetes.exports.*.file', 'kubernetes.exports.*.secrets',
] as const;

/** dutybound's own credentials: never copied into the config, wherever a reference is allowed. */
const CREDENTIAL_VARIABLES = new Set([
  'GITHUB_TOKEN', 'GH_TOKEN', 'ACTIONS_RUNTIME_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'PAGERDUTY_TOKEN', 'OPSGENIE_API_KEY', 'GRAFANA_ONCALL_TOKEN',
]);

const REFERENCE = /\$\{([A-Z_][A-Z0-9_]*)\}/g;

const envAllowed = (path: readonly string[]): boolean =>
  ENV_FIELDS.some((field) => {
    const parts = field.split('.');
    return parts.length === path.length && parts.every((part, index) => part === '*' || part === path[index]);
  });

/** A URL's scheme and host must be written out: a reference there (or running into it) would let the environment choose where requests go. */
const referenceInHost = (raw: string, resolved: string): boolean => {
  if (!/^https?:\/\//i.test(resolved)) return false;
  const authority = /^https?:\/\/[^/?#]*/i.exec(raw)?.[0];
  return authority === undefined || authority.includes('${') || !/^([/?#]|$)/.test(raw.slice(authority.length));
};

interface Substitution {
  env: NodeJS.ProcessEnv;
  credentials: Set<string>;
  problems: string[];
}

const substituteEnv = (value: unknown, context: Substitution, path: string[] = []): unknown => {
  if (typeof value === 'string') {
    const names = [...value.matchAll(REFERENCE)].map((match) => match[1]!);
    if (!names.length) return value;
    const where = path.join('.') || '(root)';
    if (!envAllowed(path)) {
      context.problems.push(`${where}: \${${names[0]}} is not substituted in this field (environment references are allowed only in: ${ENV_FIELDS.join(', ')})`);
      return value;
    }
    const credential = names.find((name) => context.credentials.has(name));
    if (credential) {
      context.problems.push(`${where}: \${${credential}} is one of dutybound's own credentials and is never copied into the config`);
      return value;
    }
    const missing = names.filter((name) => context.env[name] === undefined);
    for (const name of missing) context.problems.push(`environment variable ${name} is referenced but not set`);
    const resolved = value.replace(REFERENCE, (_, name: string) => context.env[name] ?? '');
    if (!missing.length && referenceInHost(value, resolved)) context.problems.push(`${where}: a URL's scheme and host must be written out, not taken from the environment`);
    return resolved;
  }
  if (Array.isArray(value)) return value.map((item, index) => substituteEnv(item, context, [...path, String(index)]));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteEnv(item, context, [...path, key])]));
  return value;
};

export { resolvePath } from './paths.ts';

/** Parse and validate a config object already read from `file` (for tests and the demo). */
export const parseConfig = (raw: unknown, file: string, env: NodeJS.ProcessEnv = process.env, lineOf?: LineOf): Config => {
  const tokenEnv = (raw as { github?: { tokenEnv?: unknown } } | undefined)?.github?.tokenEnv;
  const credentials = new Set([...CREDENTIAL_VARIABLES, ...(typeof tokenEnv === 'string' ? [tokenEnv] : [])]);
  const context: Substitution = { env, credentials, problems: [] };
  const substituted = substituteEnv(raw ?? {}, context);
  if (context.problems.length) throw inputErrors(file, context.problems);
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
