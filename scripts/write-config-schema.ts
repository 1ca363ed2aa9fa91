// Writes schema/dutybound.schema.json, the JSON Schema editors use to complete dutybound.yaml.
// A test fails when the committed file is out of date: run `npm run schema`.
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../src/config/schema.ts';

export const configSchemaText = (): string =>
  `${JSON.stringify({ $id: 'https://dutybound.dev/schema/dutybound.schema.json', title: 'dutybound.yaml', ...configJsonSchema() }, null, 2)}\n`;

if (import.meta.main) {
  writeFileSync(new URL('../schema/dutybound.schema.json', import.meta.url), configSchemaText());
  console.error('wrote schema/dutybound.schema.json');
}
