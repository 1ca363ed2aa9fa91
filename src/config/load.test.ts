import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { loadConfig, parseConfig } from './load.ts';

describe('config', () => {
  it('fills every threshold with its default', () => {
    const config = parseConfig({}, 'x.yaml');
    expect(config.rules).toMatchObject({ graceMinutes: 60, maxGrantHours: 12, maxCredentialAgeDays: 90, unusedDays: 45 });
    expect(config.enforce).toMatchObject({ enabled: false, maxActions: 10, rules: ['revoked-grant', 'expired-grant', 'off-call'] });
  });

  it('names the path and the expected type of a bad value', () => {
    expect(() => parseConfig({ rules: { graceMinutes: 'soon' } }, 'dutybound.yaml')).toThrowError(
      /dutybound\.yaml[\s\S]*rules\.graceMinutes: expected number/,
    );
  });

  it('rejects unknown keys and rule ids', () => {
    const error = (() => {
      try {
        parseConfig({ rulez: {}, rules: { severity: { 'no-such-rule': 'high' } } }, 'c.yaml');
      } catch (caught) {
        return caught as InputError;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error?.problems.join('\n')).toMatch(/rulez/);
    expect(error?.problems.join('\n')).toMatch(/rules\.severity/);
  });

  it('resolves paths against the config file and substitutes environment variables', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-config-'));
    writeFileSync(join(dir, 'dutybound.yaml'), 'ledger: grants.yaml\nschedule: ["${FEED}"]\n');
    const { config, baseDir } = loadConfig(undefined, dir, { FEED: 'oncall.ics' });
    expect(baseDir).toBe(dir);
    expect(config.ledger).toEqual([join(dir, 'grants.yaml')]);
    expect(config.schedule).toEqual([join(dir, 'oncall.ics')]);
  });

  it('reports YAML syntax errors with their line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-config-'));
    writeFileSync(join(dir, 'dutybound.yaml'), 'rules:\n  graceMinutes: [1\n');
    expect(() => loadConfig(undefined, dir, {})).toThrowError(/dutybound\.yaml[\s\S]*line \d/);
  });
});
