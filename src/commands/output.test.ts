import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { write } from './io.ts';
import { prepareOutputDirectory } from './output.ts';

describe('report files', () => {
  it('are all or nothing: a render that fails leaves the previous reports and no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dutybound-output-'));
    writeFileSync(join(dir, 'a.txt'), 'previous a');
    const output = await prepareOutputDirectory(dir, '/', ['a.txt', 'b.txt']);
    const failing = output.writeAll([
      { name: 'a.txt', render: (out) => write(out, 'new a') },
      { name: 'b.txt', render: () => Promise.reject(new Error('disk full')) },
    ]);
    await expect(failing).rejects.toBeInstanceOf(InputError);
    await expect(failing).rejects.toThrow(/could not write the reports \(disk full\); none was written/);
    expect(readdirSync(dir)).toEqual(['a.txt']);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('previous a');

    expect(await output.writeAll([{ name: 'a.txt', render: (out) => write(out, 'new a') }, { name: 'b.txt', render: (out) => write(out, 'new b') }])).toEqual([join(dir, 'a.txt'), join(dir, 'b.txt')]);
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.txt']);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('new a');
  });

  it('creates missing directories one level at a time', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dutybound-output-')), 'x', 'y');
    await prepareOutputDirectory(dir, '/', ['r.json']);
    expect(readdirSync(dir)).toEqual([]);
  });
});
