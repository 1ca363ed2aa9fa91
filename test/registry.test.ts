// Every connector folder, rule file and renderer is registered: a forgotten one fails here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connectors, SOURCE_FOLDERS } from '../connectors/index.ts';
import { RULE_IDS } from '../src/model/index.ts';
import { ruleCatalogue, rules } from '../src/rules/index.ts';

const dir = (path: string) => fileURLToPath(new URL(path, import.meta.url));

describe('registries', () => {
  it('registers every connector folder (sources aside)', () => {
    const folders = readdirSync(dir('../connectors/')).filter((name) => statSync(dir(`../connectors/${name}`)).isDirectory());
    const privilegeFolders = folders.filter((name) => !(SOURCE_FOLDERS as readonly string[]).includes(name)).sort();
    expect(privilegeFolders).toEqual([...connectors.keys()].sort());
    for (const [id, connector] of connectors) expect(connector.id).toBe(id);
  });

  it('has one rule file per rule id, each registered once, in contract order', () => {
    const files = readdirSync(dir('../src/rules/'))
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !['index.ts', 'types.ts', 'format.ts'].includes(name))
      .map((name) => name.slice(0, -3))
      .sort();
    expect(files).toEqual([...RULE_IDS].sort());
    expect(ruleCatalogue.map((meta) => meta.id)).toEqual([...RULE_IDS]);
    expect(rules.slice(0, 4).every((rule) => rule.scope === 'entitlement' && rule.exclusive)).toBe(true);
    for (const meta of ruleCatalogue) {
      expect(meta.title.length, meta.id).toBeGreaterThan(5);
      expect(meta.description.length, meta.id).toBeGreaterThan(20);
      expect(meta.remediation.length, meta.id).toBeGreaterThan(20);
    }
  });

  it('documents every rule with its default severity in the README', () => {
    const readme = readFileSync(dir('../README.md'), 'utf8');
    for (const meta of ruleCatalogue) expect(readme, meta.id).toMatch(new RegExp(`\\| \`${meta.id}\` \\|[^\\n]*\\| ${meta.severity} \\|`));
  });
});
