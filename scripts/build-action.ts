// Builds the GitHub Action's one-file bundle, action/dist/index.js, from the source with esbuild.
// `--check` builds in memory and fails when the checked-in file differs (CI runs it through a test).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
export const ACTION_BUNDLE = `${root}action/dist/index.js`;

/** The bundle's text. Deterministic: the same source and lockfile give the same bytes. */
export const bundleAction = async (): Promise<string> => {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['action/index.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    logLevel: 'warning',
    // Every module shares one import.meta in a bundle: only the entry may run, so no module's `import.meta.main` guard fires.
    define: { 'import.meta.main': 'false' },
    // CommonJS dependencies call require(); an ES module bundle gives them one.
    banner: { js: "// Built by scripts/build-action.ts from the dutybound source; do not edit.\nimport { createRequire as __dutyboundRequire } from 'node:module';\nconst require = __dutyboundRequire(import.meta.url);" },
  });
  return result.outputFiles[0]!.text;
};

if (import.meta.main) {
  const text = await bundleAction();
  if (process.argv.includes('--check')) {
    const current = readFileSync(ACTION_BUNDLE, 'utf8');
    if (current !== text) {
      console.error('action/dist/index.js differs from a fresh build: run npm run build:action and commit it');
      process.exitCode = 1;
    }
  } else {
    mkdirSync(new URL('../action/dist/', import.meta.url), { recursive: true });
    writeFileSync(ACTION_BUNDLE, text);
    console.log(`wrote ${ACTION_BUNDLE} (${Math.round(text.length / 1024)} KiB)`);
  }
}
