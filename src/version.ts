import { existsSync, readFileSync } from 'node:fs';

// From src/ (run as TypeScript) or dist/src/ (compiled): the nearest package.json above.
const packageJson = ['../package.json', '../../package.json'].map((path) => new URL(path, import.meta.url)).find((url) => existsSync(url));

/** dutybound's version, from its package.json. */
export const VERSION: string = packageJson ? (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version : '0.0.0';
