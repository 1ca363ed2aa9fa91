// Small hostile files for the ledger, schedule and people readers: each ends quickly, within a
// memory ceiling, as an input error naming file and line (never a hang, a crash or gigabytes).
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, runBounded } from '../../test/fixtures/bounded.ts';
import { loadLedger, loadPeople } from './index.ts';
import { yamlListChunks } from './rows.ts';
import { failure, scratch } from './test-helpers.ts';

const { dir, write } = scratch('dutybound-hostile-');

/** Nine levels of nine aliases each: 9^9 (387 million) strings once expanded. */
const aliasBomb = (indent: string): string[] => {
  const lines = [`${indent}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (let level = 1; level < 9; level += 1) {
    const previous = String.fromCharCode(96 + level);
    const name = String.fromCharCode(97 + level);
    lines.push(`${indent}${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(',')}]`);
  }
  return lines;
};

/** Runs `call` (an expression over the files connectors) in a child with 256 MB of heap and 30 s; returns what it printed. */
const bounded = async (call: string): Promise<string> => {
  const run = await runBounded(
    `import * as files from '${projectRoot}connectors/files/index.ts';
     try { await ${call}; console.log('loaded'); } catch (error) { console.log(error.name, error.problems?.join('\\n')); }`,
    { maxOldSpaceMb: 256, timeoutMs: 30_000 },
  );
  expect(run.timedOut).toBe(false);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.stdout;
};

describe('hostile list files', () => {
  it('an alias bomb in a ledger is an input error at the alias, in bounded memory', async () => {
    const path = write('bomb-grants.yaml', ['- id: GR-1', '  subject: a@example.com', '  system: aws', '  extra:', ...aliasBomb('    ')].join('\n'));
    const out = await bounded(`files.loadLedger([${JSON.stringify(path)}])`);
    expect(out).toMatch(/^InputError .*bomb-grants\.yaml:10: too many aliases/m);
  });

  it('an alias bomb in a people file is an input error, in bounded memory', async () => {
    const path = write('bomb-people.yaml', ['people: []', 'x:', ...aliasBomb('  ')].join('\n'));
    const out = await bounded(`files.loadPeople(${JSON.stringify(path)})`);
    expect(out).toMatch(/^InputError .*bomb-people\.yaml:8: too many aliases/m);
  });

  it('an alias bomb in a shift list is an input error, in bounded memory', async () => {
    const path = write('bomb-shifts.yaml', ['- schedule: x', '  extra:', ...aliasBomb('    ')].join('\n'));
    const out = await bounded(`files.loadSchedules([${JSON.stringify(path)}], { now: new Date('2026-11-20T00:00:00Z') })`);
    expect(out).toMatch(/^InputError .*bomb-shifts\.yaml:8: too many aliases/m);
  });

  it('an endless file (a link to /dev/zero) is refused past the size limit, in bounded memory', async () => {
    const yaml = join(dir, 'zero.yaml');
    const jsonl = join(dir, 'zero.jsonl');
    const csv = join(dir, 'zero.csv');
    for (const path of [yaml, jsonl, csv]) symlinkSync('/dev/zero', path);
    const out = await bounded(`files.loadLedger(${JSON.stringify([yaml, jsonl, csv])})`);
    expect(out).toMatch(/zero\.yaml:1: document too large/);
    expect(out).toMatch(/zero\.jsonl:1: line longer than 1 MiB/);
    expect(out).toMatch(/zero\.csv:1: syntax error: Max Record Size/);
  });

  // Large on purpose (the size that crashed): generous deadlines for a loaded machine.
  it('a 125,000-row CSV ledger loads (no spread of a large list into a call)', { timeout: 180_000 }, async () => {
    const header = 'id,subject,system,target,privilege,start,end,approver,ticket';
    const rows = Array.from(
      { length: 125_000 },
      (_, index) => `GR-${index},user${index % 5000}@example.com,aws,012345678901,AdministratorAccess,2026-11-01T10:00:00Z,2026-11-01T12:00:00Z,lead@example.com,T-${index}`,
    );
    const path = write('large.csv', `${header}\n${rows.join('\n')}\n`);
    const grants = await loadLedger([path]);
    expect(grants).toHaveLength(125_000);
    expect(grants.at(-1)).toMatchObject({ id: 'GR-124999', source: 'large.csv:125001' });
  });

  it('a 125,000-row ledger with a problem in every row reports them all, in line order', { timeout: 180_000 }, async () => {
    const rows = Array.from({ length: 125_000 }, (_, index) => JSON.stringify({ id: `GR-${index}`, subject: 'nobody', system: 'aws', start: '2026-11-01T10:00:00Z', end: '2026-11-01T12:00:00Z' }));
    const path = write('bad-large.jsonl', rows.join('\n'));
    const error = await failure(loadLedger([path]));
    expect(error.problems).toHaveLength(125_000);
    expect(error.problems[124_999]).toMatch(/bad-large\.jsonl:125000: subject: expected an email or a principal id/);
    // The message printed lists the first thousand and counts the rest.
    expect(error.message.split('\n')).toHaveLength(1002);
    expect(error.message).toMatch(/^ledger: 125000 problems\n[\s\S]*\n {2}… and 124000 more$/);
  });

  it('people: an unknown file is still an input error naming it', async () => {
    const error = await failure(loadPeople(join(dir, 'missing.yaml')));
    expect(error.problems[0]).toMatch(/missing\.yaml: file not found/);
  });
});

describe('large YAML lists', () => {
  const item = (index: number, subject = `user${index}@example.com`) =>
    `- id: GR-${index}\n  subject: ${subject}\n  system: aws\n  target: "012345678901"\n  start: 2026-11-01T10:00:00Z\n  end: 2026-11-01T12:00:00Z\n`;

  it('are cut into slices of whole items only when the shape is plain (no anchors, aliases, markers or top-level keys)', () => {
    const text = `# ledger\n${Array.from({ length: 10 }, (_, index) => item(index)).join('\n')}`;
    const chunks = yamlListChunks(text, 200, 0)!;
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(text);
    for (const chunk of chunks.slice(1)) {
      expect(chunk.text.startsWith('- id: GR-')).toBe(true);
      expect(text.split('\n')[chunk.firstLine - 1]).toBe(chunk.text.split('\n')[0]);
    }
    expect(yamlListChunks(`- &a {id: x}\n- *a\n${text}`, 200, 0)).toBeUndefined();
    expect(yamlListChunks(`---\n${text}`, 200, 0)).toBeUndefined();
    expect(yamlListChunks(`grants:\n${text}`, 200, 0)).toBeUndefined();
    expect(yamlListChunks(`${text}extra: 1\n`, 200, 0)).toBeUndefined();
    // Globs with stars are not aliases.
    expect(yamlListChunks(`${text}- id: g\n  target: "arn:aws:iam::*:role/x"\n  privilege: prod-*\n`, 200, 0)).toBeDefined();
  });

  it('a YAML ledger past the slicing size loads a slice at a time, with the same lines', async () => {
    const rows = Array.from({ length: 30_000 }, (_, index) => item(index, index === 29_000 ? 'nobody' : `user${index}@example.com`));
    const path = write('large.yaml', rows.join(''));
    expect(yamlListChunks(rows.join(''))?.length).toBeGreaterThan(8);
    const error = await failure(loadLedger([path]));
    // Item 29000 starts on line 29000 × 6 + 1; its subject is the next line.
    expect(error.problems).toEqual([expect.stringMatching(/large\.yaml:174002: subject: expected an email or a principal id/)]);
    rows[29_000] = item(29_000);
    const grants = await loadLedger([write('large-ok.yaml', rows.join(''))]);
    expect(grants).toHaveLength(30_000);
    expect(grants.at(-1)?.source).toBe(`large-ok.yaml:${29_999 * 6 + 1}`);
  });
});
