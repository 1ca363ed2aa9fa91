// The GraphQL queries dutybound sends are valid for GitHub's published GraphQL schema, and the
// fake's answers to them are results that schema allows (executed against it, field by field).
import { schema as githubSchemaSdl, validate } from '@octokit/graphql-schema';
import { buildSchema, execute, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHQL_QUERIES } from '../../connectors/github/collect.ts';
import { startGithubFake, type GithubFake } from '../../src/sim/github/fake.ts';
import { smallEstate } from './estate.ts';

const schema = buildSchema(githubSchemaSdl.idl, { assumeValidSDL: true });

let fake: GithubFake;
beforeAll(async () => {
  fake = await startGithubFake(smallEstate());
});
afterAll(() => fake.close());

const ask = async (query: string, variables: Record<string, unknown>) => {
  const response = await fetch(`${fake.url}/graphql`, { method: 'POST', body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data: Record<string, unknown>; errors?: unknown[] };
};

describe('GitHub GraphQL', () => {
  it.each(Object.entries(GRAPHQL_QUERIES))('the %s query is valid for GitHub’s schema', (_, query) => {
    expect(validate(query).map((error) => error.message)).toEqual([]);
  });

  it.each(Object.entries(GRAPHQL_QUERIES))('the fake answers the %s query with a result GitHub’s schema allows', async (_, query) => {
    const answer = await ask(query, { org: 'acme', after: null, archived: false, first: 100 });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.organization).toBeTruthy();
    // Executing the query over the fake's answer checks every field's type, nullability and enum value.
    const checked = await execute({ schema, document: parse(query), rootValue: answer.data, variableValues: { org: 'acme', first: 100 } });
    expect(checked.errors?.map((error) => `${error.path?.join('.')}: ${error.message}`)).toBeUndefined();
    expect(checked.data).toEqual(answer.data);
  });

  it('rejects a query that asks for a field GitHub does not have (the check above can fail)', () => {
    expect(validate('query { organization(login: "x") { repositories(first: 1) { nodes { lastUsedDeployKey } } } }').length).toBeGreaterThan(0);
  });
});
