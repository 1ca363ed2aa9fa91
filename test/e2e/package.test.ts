// The npm package: `npm pack` (which compiles dist/) gives a tarball that installs as `npm install -g`
// lays it out — the package under PREFIX/lib/node_modules, its production dependencies only, the
// bin linked — and runs with no devDependency. Offline: the dependencies come from npm's cache,
// pinned by the lockfile (a registry would resolve them the same way for a real global install).
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

const exec = (file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(file, args, { ...options, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
  });

/** A copy of what `npm pack` reads, so its build (prepack) never writes into the working tree other tests run from. */
const packableCopy = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'dutybound-pack-src-'));
  for (const name of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'bin', 'src', 'connectors', 'reports', 'schema', 'examples/demo'])
    cpSync(join(root, name), join(dir, name), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
};

describe('the npm package', () => {
  it('packs, installs with its production dependencies only, and runs', { timeout: 300_000 }, async () => {
    const source = packableCopy();
    const out = mkdtempSync(join(tmpdir(), 'dutybound-pack-'));
    const packed = await exec('npm', ['pack', '--pack-destination', out, '--silent'], { cwd: source });
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = join(out, readdirSync(out).find((name) => name.endsWith('.tgz'))!);

    // What `npm install -g --prefix PREFIX` lays out: PREFIX/lib/node_modules/dutybound and PREFIX/bin/dutybound.
    const prefix = join(out, 'prefix');
    const installed = join(prefix, 'lib/node_modules/dutybound');
    mkdirSync(installed, { recursive: true });
    expect((await exec('tar', ['xzf', tarball, '-C', installed, '--strip-components=1'], { cwd: out })).code).toBe(0);
    expect(existsSync(join(installed, 'dist/src/cli.js')), 'the compiled CLI is in the package').toBe(true);
    expect(readdirSync(installed).filter((name) => name.endsWith('.test.ts') || name === 'test' || name === 'action')).toEqual([]);
    cpSync(join(root, 'package-lock.json'), join(installed, 'package-lock.json'));
    const deps = await exec('npm', ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: installed });
    expect(deps.code, deps.stderr).toBe(0);
    // Nothing only a devDependency needs (the lockfile marks those `dev`) is installed.
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = Object.entries(lock.packages).filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev).map(([path]) => path);
    expect(devOnly.length).toBeGreaterThan(0);
    expect(devOnly.filter((path) => existsSync(join(installed, path)))).toEqual([]);

    // Run by its bin on a PATH whose node is the one running this test (Node >= 22.18), from a directory of its own.
    const work = mkdtempSync(join(tmpdir(), 'dutybound-pack-run-'));
    const env = { PATH: `${join(process.execPath, '..')}:/usr/bin:/bin`, HOME: work };
    const demo = await exec(process.execPath, [join(installed, 'bin/dutybound.js'), 'demo', '--out', 'out', '--quiet'], { cwd: work, env });
    expect(demo.code, demo.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(work, 'out/report.json'), 'utf8')).summary.findings).toBeGreaterThan(0);
    expect(readFileSync(join(work, 'out/report.html'), 'utf8')).toContain('<h1>dutybound report</h1>');
    const version = await exec(process.execPath, [join(installed, 'bin/dutybound.js'), '--version'], { cwd: work, env });
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });
});
