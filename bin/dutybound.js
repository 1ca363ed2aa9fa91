#!/usr/bin/env node
// Installed entry point: the compiled CLI (npm run build), else the TypeScript source (Node >= 22.18 strips types).
import { existsSync } from 'node:fs';
const compiled = new URL('../dist/src/cli.js', import.meta.url);
const { runProcess } = await import(existsSync(compiled) ? compiled.href : new URL('../src/cli.ts', import.meta.url).href);
await runProcess(process.argv.slice(2));
