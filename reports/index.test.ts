import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderers, renderToFile, renderToString } from './index.ts';
import { sampleReport, sampleRules } from './test-fixtures.ts';
import { FORMATS } from './types.ts';
import type { Renderer } from './types.ts';

const isRenderer = (value: unknown): value is Renderer =>
  typeof value === 'object' && value !== null && 'format' in value && 'fileName' in value && typeof (value as Renderer).render === 'function';

describe('renderer registry', () => {
  it('registers every renderer module in reports/', async () => {
    const dir = new URL('./', import.meta.url);
    const modules = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts');
    const found: Renderer[] = [];
    for (const file of modules) {
      const exports = (await import(new URL(file, dir).href)) as Record<string, unknown>;
      for (const value of Object.values(exports)) if (isRenderer(value)) found.push(value);
    }
    expect(found.map((r) => r.format).sort()).toEqual([...FORMATS].sort());
    for (const renderer of found) expect(renderers.get(renderer.format), renderer.format).toBe(renderer);
  });

  it('covers every format with the contract file names', () => {
    expect([...renderers.keys()].sort()).toEqual([...FORMATS].sort());
    expect(Object.fromEntries([...renderers].map(([format, r]) => [format, r.fileName]))).toEqual({
      json: 'report.json', html: 'report.html', sarif: 'report.sarif', md: 'summary.md',
    });
    for (const [format, r] of renderers) expect(r.format).toBe(format);
  });

  it('renders each format to a file, byte for byte what it streams', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dutybound-reports-'));
    try {
      const report = sampleReport(30, { failed: true });
      for (const renderer of renderers.values()) {
        const path = join(dir, renderer.fileName);
        await renderToFile(renderer, report, path, { rules: sampleRules });
        expect(await readFile(path, 'utf8')).toBe(await renderToString(renderer, report, { rules: sampleRules }));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the file when it cannot be written', async () => {
    const json = renderers.get('json') as Renderer;
    const path = join(tmpdir(), 'dutybound-no-such-dir', 'x', 'report.json');
    await expect(renderToFile(json, sampleReport(1), path, { rules: sampleRules })).rejects.toThrow(`json report: write ${path}`);
  });
});
