// Validates fake GitHub answers against GitHub's official response schemas (extracted by
// scripts/extract-github-schemas.ts into src/sim/github/openapi-schemas.json).
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import schemas from '../../src/sim/github/openapi-schemas.json' with { type: 'json' };

const ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
addFormats.default(ajv);
for (const format of ['int32', 'int64']) ajv.addFormat(format, true);
ajv.addSchema({ $id: 'github', definitions: schemas.definitions });

const validators = new Map<string, ValidateFunction>();

export const OPERATIONS = Object.keys(schemas.responses);

/** Errors of `body` against the schema of `operation` (`GET /orgs/{org}/members 200`); empty when valid. */
export const schemaErrors = (operation: string, body: unknown): string[] => {
  let validate = validators.get(operation);
  if (!validate) {
    const schema = (schemas.responses as Record<string, unknown>)[operation];
    if (schema === undefined) throw new Error(`no schema extracted for ${operation}`);
    const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/definitions/', '"github#/definitions/')) as object;
    validate = ajv.compile(rewritten);
    validators.set(operation, validate);
  }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
};

/** Errors of `body` against one of the extracted component schemas (`basic-error` for error answers). */
export const definitionErrors = (name: string, body: unknown): string[] => {
  const key = `definition ${name}`;
  let validate = validators.get(key);
  if (!validate) {
    if (!(name in schemas.definitions)) throw new Error(`no component schema ${name} extracted`);
    validate = ajv.compile({ $ref: `github#/definitions/${name}` });
    validators.set(key, validate);
  }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
};
