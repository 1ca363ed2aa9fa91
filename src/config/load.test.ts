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

  it('substitutes environment variables only in the fields documented for it, never in a URL host', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-config-'));
    const load = (yaml: string, env: Record<string, string>) => {
      writeFileSync(join(dir, 'dutybound.yaml'), yaml);
      try {
        return loadConfig(undefined, dir, env).config;
      } catch (caught) {
        return (caught as InputError).problems;
      }
    };
    const env = { FEED_TOKEN: 'Zq81feedtoken', HOST: 'evil.example', GITHUB_TOKEN: 'ghp_secret', MY_TOKEN: 'abc' };
    expect(load('schedule: ["https://oncall.example.com/feeds/${FEED_TOKEN}.ics?key=${FEED_TOKEN}"]\n', env)).toMatchObject({
      schedule: ['https://oncall.example.com/feeds/Zq81feedtoken.ics?key=Zq81feedtoken'],
    });
    expect(load('schedule: ["https://${HOST}/feed.ics"]\n', env)).toEqual(["schedule.0: a URL's scheme and host must be written out, not taken from the environment"]);
    expect(load('schedule: ["https://oncall.example.com${HOST}/feed.ics"]\n', env)).toEqual(["schedule.0: a URL's scheme and host must be written out, not taken from the environment"]);
    expect(load('schedule: ["${HOST}"]\n', { HOST: 'https://evil.example/feed.ics' })).toEqual(["schedule.0: a URL's scheme and host must be written out, not taken from the environment"]);
    expect(load('github: { orgs: [acme], baseUrl: "https://${HOST}/api/v3" }\n', env)).toEqual([
      expect.stringMatching(/^github\.baseUrl: \$\{HOST\} is not substituted in this field \(environment references are allowed only in: ledger, /),
    ]);
    expect(load('rules: { disabled: ["${HOST}"] }\n', env)).toEqual([expect.stringMatching(/^rules\.disabled\.0: \$\{HOST\} is not substituted/)]);
    // dutybound's own credentials never go into the config, not even where references are allowed.
    expect(load('schedule: ["https://oncall.example.com/f/${GITHUB_TOKEN}"]\n', env)).toEqual(["schedule.0: ${GITHUB_TOKEN} is one of dutybound's own credentials and is never copied into the config"]);
    expect(load('schedule: ["https://oncall.example.com/f/${MY_TOKEN}"]\ngithub: { orgs: [acme], tokenEnv: MY_TOKEN }\n', env)).toEqual([
      "schedule.0: ${MY_TOKEN} is one of dutybound's own credentials and is never copied into the config",
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-config-'));
    writeFileSync(join(dir, 'dutybound.yaml'), 'rules:\n  graceMinutes: [1\n');
    expect(() => loadConfig(undefined, dir, {})).toThrowError(/dutybound\.yaml[\s\S]*line \d/);
  });

  it('refuses an alias bomb with its line, as an input error (no stack trace)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-config-'));
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 9; level += 1) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(',')}]`);
    }
    writeFileSync(join(dir, 'dutybound.yaml'), `rules:\n  graceMinutes: 5\nx:\n  ${levels.join('\n  ')}\n`);
    const error = (() => {
      try {
        loadConfig(undefined, dir, {});
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.join('\n')).toMatch(/^line 5: .*alias/);
  });

  it('names the line of a bad value and of each unknown key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-config-'));
    writeFileSync(join(dir, 'dutybound.yaml'), 'ledger: [grants.yaml]\nrules:\n  graceMinutes: soon\nrulez: {}\n');
    const error = (() => {
      try {
        loadConfig(undefined, dir, {});
      } catch (caught) {
        return caught as InputError;
      }
    })();
    expect(error?.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^line 3: rules\.graceMinutes: expected number/), 'line 4: (root): Unrecognized key: "rulez"']));
  });

  it('refuses a config that is not a regular file', () => {
    expect(() => loadConfig('/dev/zero', '/', {})).toThrowError(/not a regular file/);
  });
});
