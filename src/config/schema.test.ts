import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchemaText } from '../../scripts/write-config-schema.ts';

describe('config JSON Schema', () => {
  it('is committed and current (npm run schema rewrites it)', () => {
    const committed = readFileSync(new URL('../../schema/dutybound.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(configSchemaText());
  });

  it('describes every threshold with its default', () => {
    const schema = JSON.parse(configSchemaText());
    const rules = schema.properties.rules.properties;
    expect(rules.graceMinutes).toMatchObject({ type: 'integer', default: 60 });
    expect(rules.maxGrantHours).toMatchObject({ default: 12 });
    expect(rules.maxCredentialAgeDays).toMatchObject({ default: 90 });
    expect(rules.unusedDays).toMatchObject({ default: 45 });
    expect(rules.graceMinutes.description).toMatch(/grace|Minutes/);
  });
});
