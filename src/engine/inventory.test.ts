import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, runBounded } from '../../test/fixtures/bounded.ts';
import type { InputError } from '../errors.ts';
import { mergeInventories, parseInventory } from './inventory.ts';

const base = { schemaVersion: 1, collectedAt: '2026-11-16T10:00:00Z', coverage: [], principals: [], entitlements: [], credentials: [] };

describe('inventory files', () => {
  it('reject times without an offset or that are no real date, naming the field', () => {
    expect(() => parseInventory(JSON.stringify({ ...base, collectedAt: '2026-02-30T10:00:00Z' }), 'inv.json')).toThrowError(/inv\.json[\s\S]*collectedAt: expected ISO 8601 time with an offset/);
    expect(() => parseInventory(JSON.stringify({ ...base, collectedAt: '2026-11-16T10:00:00' }), 'inv.json')).toThrowError(/collectedAt/);
  });

  it('need a reason on every partial or failed coverage row', () => {
    const coverage = [{ system: 'aws', target: '1', status: 'partial' }];
    expect(() => parseInventory(JSON.stringify({ ...base, coverage }), 'inv.json')).toThrowError(/coverage\.0\.error/);
    expect(parseInventory(JSON.stringify({ ...base, coverage: [{ ...coverage[0], error: 'credential report denied' }] }), 'inv.json').coverage).toHaveLength(1);
  });

  it('refuse an inventory that covers nothing', () => {
    expect(() => parseInventory(JSON.stringify({ schemaVersion: 1, collectedAt: '2026-11-16T10:00:00Z' }), 'inv.json')).toThrowError(/inv\.json[\s\S]*coverage: empty/);
  });

  it('refuse unknown keys, naming the line of each problem', () => {
    const text = JSON.stringify(
      {
        ...base,
        coverage: [{ system: 'aws', target: '1', status: 'ok' }],
        entitlements: [{ principal: 'aws:x', system: 'aws', target: '1', privilege: 'Admin', level: 'admin', privilaged: true }],
        extra: 1,
      },
      null,
      2,
    );
    const problems = (() => {
      try {
        parseInventory(text, 'inv.json');
      } catch (error) {
        return (error as InputError).problems;
      }
      return [];
    })();
    const lineOf = (needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;
    expect(problems).toEqual(
      expect.arrayContaining([
        `line ${lineOf('"privilaged"')}: entitlements.0: Unrecognized key: "privilaged"`,
        expect.stringMatching(new RegExp(`^line ${lineOf('"privilege"') - 4}: entitlements\\.0\\.privileged: `)),
        `line ${lineOf('"extra"')}: (root): Unrecognized key: "extra"`,
      ]),
    );
  });

  it('merge in a stable order whatever the order of the parts', () => {
    const principal = (id: string) => ({ id, system: 'aws' as const, target: '1', kind: 'user', human: true as const, name: id });
    const a = { coverage: [{ system: 'aws', target: '2', status: 'ok' as const }], principals: [principal('b')], entitlements: [], credentials: [] };
    const b = { coverage: [{ system: 'aws', target: '1', status: 'ok' as const }], principals: [principal('a')], entitlements: [], credentials: [] };
    expect(mergeInventories('2026-11-16T10:00:00Z', [a, b])).toEqual(mergeInventories('2026-11-16T10:00:00Z', [b, a]));
    expect(mergeInventories('2026-11-16T10:00:00Z', [a, b]).principals.map((p) => p.id)).toEqual(['a', 'b']);
  });
});

describe('inventory files that never end', () => {
  it('are refused past the size limit (a link to /dev/zero), not read into all of memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-inventory-'));
    symlinkSync('/dev/zero', join(dir, 'zero.json'));
    const run = await runBounded(
      `import { readInventoryFiles } from '${projectRoot}src/engine/inventory.ts';
       try { await readInventoryFiles([${JSON.stringify(join(dir, 'zero.json'))}], '2026-11-16T10:00:00Z'); } catch (error) { console.log(error.message); }`,
      { maxOldSpaceMb: 256, timeoutMs: 60_000 },
    );
    expect(run.timedOut).toBe(false);
    expect(run.stdout).toMatch(/cannot read inventory file: .*zero\.json:1: document too large: over 50\d MiB, the limit is 500 MiB/);
  });
});
