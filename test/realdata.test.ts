// A clone on its own: nothing names a path outside the repository but the one helper that finds
// the optional real-format data, and the docs link only files the clone has.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findRealData, REALDATA_FILES } from './realdata.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'dutybound-report', 'coverage']);
const TEXT = /\.(ts|js|mjs|cjs|json|ya?ml|md|sh|hbs)$|^run$/;

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) ? [] : files(path);
    return TEXT.test(entry.name) && statSync(path).size < 5_000_000 ? [path] : [];
  });

describe('a clone with nothing beside it', () => {
  it('names the real-format data folder in one helper only', () => {
    const outside = /\.\.\/shared\b|shared\/realdata|['"]shared['"]\s*,\s*['"]realdata['"]/;
    const allowed = new Set(['test/realdata.ts', 'test/realdata.test.ts']);
    const naming = files(root)
      .map((path) => relative(root, path))
      .filter((path) => !allowed.has(path) && outside.test(readFileSync(join(root, path), 'utf8')));
    expect(naming).toEqual([]);
  });

  it('links only files inside the repository from its Markdown', () => {
    const broken: string[] = [];
    for (const path of files(root).filter((file) => file.endsWith('.md'))) {
      for (const [, target] of readFileSync(path, 'utf8').matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue;
        const resolved = resolve(dirname(path), target!);
        const inside = !relative(root, resolved).startsWith('..');
        if (!inside || !statSync(resolved, { throwIfNoEntry: false })) broken.push(`${relative(root, path)} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('findRealData', () => {
  it('gives the path when the data is there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-realdata-'));
    mkdirSync(join(dir, 'sarif'));
    writeFileSync(join(dir, REALDATA_FILES.sarifSchema), '{}');
    const notes: string[] = [];
    expect(findRealData('sarifSchema', 'x', { dir, required: true, note: (line) => notes.push(line) })).toBe(join(dir, REALDATA_FILES.sarifSchema));
    expect(notes).toEqual([]);
  });

  it('says in one line that the tests were left out when the data is missing', () => {
    const notes: string[] = [];
    expect(findRealData('awsAuthorizationDetails', 'the AWS cases', { dir: '/nonexistent-realdata', required: false, note: (line) => notes.push(line) })).toBeUndefined();
    expect(notes).toEqual([`left out: the AWS cases (third-party real-format data not found at ${join('/nonexistent-realdata', REALDATA_FILES.awsAuthorizationDetails)})`]);
  });

  it('fails when the data is required (as in CI) and missing', () => {
    expect(() => findRealData('awsAuthorizationDetails', 'the AWS cases', { dir: '/nonexistent-realdata', required: true, note: () => {} })).toThrow(/DUTYBOUND_REQUIRE_REALDATA=1.*missing/);
  });
});
