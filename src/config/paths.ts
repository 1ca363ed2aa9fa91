// Paths in the config and on the command line: relative to a base directory; URLs and absolute
// paths as they are, `~/` as the home directory. Apart from the loader so that sources can use it
// without importing the config schema (which imports every source).
import { isAbsolute, resolve } from 'node:path';

export const resolvePath = (baseDir: string, path: string): string =>
  /^(https?|webcals?):\/\//i.test(path) || isAbsolute(path) ? path : resolve(baseDir, path.replace(/^~(?=\/)/, process.env.HOME ?? '~'));
