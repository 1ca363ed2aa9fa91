// Writes docs/rules.md, the rule reference each SARIF rule's helpUri points at.
// A test fails when the committed file is out of date: run `npm run docs`.
import { writeFileSync } from 'node:fs';
import { rulesMarkdown } from '../src/rules/index.ts';

if (import.meta.main) {
  writeFileSync(new URL('../docs/rules.md', import.meta.url), rulesMarkdown());
  console.error('wrote docs/rules.md');
}
