// Extracts, from GitHub's official OpenAPI description (@octokit/openapi, GitHub Enterprise
// Cloud flavour: a superset of github.com for organizations), the response schemas of exactly
// the endpoints the fake GitHub in src/sim/github serves, with the components they reference,
// into src/sim/github/openapi-schemas.json. Tests validate the fake's answers against it.
//
//   npm install --no-save @octokit/openapi && node scripts/extract-github-schemas.ts
//
// The package is large (hundreds of MB), so it is never a dependency: run this again only
// when the fake serves a new endpoint.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `METHOD path status`: the operations the fake serves, and the answer status whose schema is checked. */
export const OPERATIONS = [
  'GET /orgs/{org} 200',
  'GET /orgs/{org}/members 200',
  'GET /orgs/{org}/memberships/{username} 200',
  'PUT /orgs/{org}/memberships/{username} 200',
  'GET /orgs/{org}/outside_collaborators 200',
  'GET /orgs/{org}/invitations 200',
  'GET /orgs/{org}/organization-roles 200',
  'GET /orgs/{org}/organization-roles/{role_id}/users 200',
  'GET /orgs/{org}/organization-roles/{role_id}/teams 200',
  'GET /orgs/{org}/repos 200',
  'GET /repos/{owner}/{repo}/collaborators 200',
  'GET /orgs/{org}/teams 200',
  'GET /orgs/{org}/teams/{team_slug}/members 200',
  'GET /orgs/{org}/teams/{team_slug}/repos 200',
  'GET /orgs/{org}/teams/{team_slug}/memberships/{username} 200',
  'PUT /orgs/{org}/teams/{team_slug}/memberships/{username} 200',
  'GET /orgs/{org}/installations 200',
  'GET /repos/{owner}/{repo}/keys 200',
  'GET /repos/{owner}/{repo}/keys/{key_id} 200',
  'POST /repos/{owner}/{repo}/keys 201',
  'GET /orgs/{org}/actions/secrets 200',
  'GET /repos/{owner}/{repo}/actions/secrets 200',
  'GET /repos/{owner}/{repo}/environments 200',
  'GET /repos/{owner}/{repo}/environments/{environment_name}/secrets 200',
  'GET /orgs/{org}/dependabot/secrets 200',
  'GET /repos/{owner}/{repo}/dependabot/secrets 200',
  'GET /orgs/{org}/personal-access-tokens 200',
  'GET /orgs/{org}/credential-authorizations 200',
  'GET /orgs/{org}/audit-log 200',
  'POST /app/installations/{installation_id}/access_tokens 201',
  'GET /rate_limit 200',
] as const;

/** Keywords that document but do not constrain: dropped to keep the extract small. */
const DROP = new Set(['description', 'example', 'examples', 'title', 'externalDocs', 'deprecated', 'x-github']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Spec = { info: { version: string }; paths: Record<string, Record<string, { responses: Record<string, Json> }>>; components: Record<string, Record<string, Json>> };

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const specFile = require.resolve('@octokit/openapi/generated/ghec.json');
const packageVersion = (JSON.parse(readFileSync(require.resolve('@octokit/openapi/package.json'), 'utf8')) as { version: string }).version;
const spec = JSON.parse(readFileSync(specFile, 'utf8')) as Spec;

const schemas: Record<string, Json> = {};
const pending: string[] = [];

const lookup = (ref: string): Json => {
  const [, , section, name] = ref.split('/');
  const found = spec.components[section!]?.[name!];
  if (found === undefined) throw new Error(`unresolved $ref ${ref}`);
  return found;
};

/** OpenAPI 3.0 `nullable: true` as plain JSON Schema (`null` added to `type` and `enum`, or a null branch). */
const unNullable = (node: Record<string, Json>): Record<string, Json> => {
  if (node.nullable !== true) return node;
  const { nullable: _, ...rest } = node;
  if (typeof rest.type === 'string') {
    return { ...rest, type: [rest.type, 'null'], ...(Array.isArray(rest.enum) ? { enum: [...rest.enum, null] } : {}) };
  }
  return { anyOf: [rest, { type: 'null' }] };
};

/** Copies a schema without its documentation keywords; component refs become `#/definitions/<name>`. */
const clean = (node: Json): Json => {
  if (Array.isArray(node)) return node.map(clean);
  if (!node || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') {
    const ref = node.$ref;
    if (!ref.startsWith('#/components/schemas/')) return clean(lookup(ref));
    const name = ref.slice('#/components/schemas/'.length);
    if (!(name in schemas)) {
      schemas[name] = null;
      pending.push(name);
    }
    return { $ref: `#/definitions/${name}` };
  }
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROP.has(key)) continue;
    // `properties` maps names to schemas: a property may be called `description`.
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as Record<string, Json>).map(([k, v]) => [k, clean(v)])) : clean(value);
  }
  return unNullable(out);
};

const responses: Record<string, Json> = {};
for (const operation of OPERATIONS) {
  const [method, path, status] = operation.split(' ') as [string, string, string];
  const op = spec.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${path} is not in ${specFile}`);
  let response = op.responses[status] as Record<string, Json> | undefined;
  if (response && typeof response.$ref === 'string') response = lookup(response.$ref) as Record<string, Json>;
  const schema = (response?.content as Record<string, { schema: Json }> | undefined)?.['application/json']?.schema;
  if (schema === undefined) throw new Error(`${operation}: no application/json schema in the description`);
  responses[operation] = clean(schema);
}
clean({ $ref: '#/components/schemas/basic-error' });
while (pending.length) {
  const name = pending.shift()!;
  schemas[name] = clean(spec.components.schemas![name]!);
}

const sorted = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
const out = {
  source: `@octokit/openapi@${packageVersion} generated/ghec.json (GitHub REST ${spec.info.version})`,
  responses,
  definitions: sorted,
};
const target = join(here, '..', 'src', 'sim', 'github', 'openapi-schemas.json');
writeFileSync(target, JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${target}: ${OPERATIONS.length} operations, ${Object.keys(sorted).length} component schemas`);
