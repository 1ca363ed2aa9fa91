#!/usr/bin/env node
// Installed entry point: the compiled CLI (npm run build), else the TypeScript source (Node >= 22.18 strips types).
// It checks the Node version first, with nothing imported that an older Node cannot load.
import { existsSync } from 'node:fs';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `dutybound: needs Node.js 22.18 or newer (Node 24 LTS recommended); this is Node.js ${process.versions.node}. ` +
      'Install Node 24 (nodejs.org, nvm, or your package manager); in a clone, `npm ci` installs Node 24 into node_modules and `npx dutybound` uses it.\n',
  );
  process.exit(2);
}
const compiled = new URL('../dist/src/cli.js', import.meta.url);
const { runProcess } = await import(existsSync(compiled) ? compiled.href : new URL('../src/cli.ts', import.meta.url).href);
await runProcess(process.argv.slice(2));
