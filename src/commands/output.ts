// Report files, all or nothing. The output directory is checked once, before any collection
// (a scan must not run for an hour and then find it cannot write); every report is rendered
// into a fresh temporary file beside its final name — opened with O_CREAT|O_EXCL|O_NOFOLLOW,
// so a symlink planted in the directory is never followed — and only when every report is
// complete are they renamed into place. A failure leaves no half-written report behind.
import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { InputError } from '../errors.ts';

const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

const why = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/**
 * Creates the missing directories of `dir` one at a time (never `mkdir -p`, which loops forever
 * below /proc on some kernels), after checking the nearest existing ancestor is a directory.
 */
const makeDirectories = async (dir: string): Promise<void> => {
  const missing: string[] = [];
  let current = dir;
  for (;;) {
    const found = await stat(current).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
    if (found) {
      if (!found.isDirectory()) throw Object.assign(new Error(`${current} is not a directory`), { code: 'ENOTDIR' });
      break;
    }
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const path of missing) await mkdir(path).catch((error: NodeJS.ErrnoException) => (error.code === 'EEXIST' ? undefined : Promise.reject(error)));
};

/** A temporary name beside `path`, unique per call. */
const temporaryName = (path: string): string => join(dirname(path), `.${path.slice(dirname(path).length + 1)}.${randomBytes(6).toString('hex')}.tmp`);

/** Opens a new file that did not exist (never through a symlink) as a write stream that owns its handle. */
const createNew = async (path: string): Promise<Writable> => {
  const handle = await open(path, CREATE_NEW, 0o644);
  // The stream holds the FileHandle itself (a bare fd number would let the handle be collected and closed under it).
  return handle.createWriteStream();
};

export interface ReportFile {
  name: string;
  render(out: Writable): Promise<void>;
}

export interface OutputDirectory {
  dir: string;
  /** Renders every file to a temporary file, then renames them all into place; returns the paths written. */
  writeAll(files: readonly ReportFile[]): Promise<string[]>;
}

/**
 * Checks (and creates) the report directory and the names the reports will take, before any
 * collection: an input error (exit 2) when it is not a writable directory, or when a report's
 * name is taken by something that is not a regular file or a symlink (a directory, a FIFO).
 */
export const prepareOutputDirectory = async (out: string, cwd: string, names: readonly string[], option = '--out'): Promise<OutputDirectory> => {
  const dir = resolve(cwd, out);
  const refuse = (reason: string): InputError => new InputError(`${option} ${out}: cannot use it as the report directory (${reason})`);
  await makeDirectories(dir).catch((error: unknown) => {
    throw refuse(why(error));
  });
  // Writable here, now: a probe file created and removed the way the reports will be.
  const probe = temporaryName(join(dir, 'probe'));
  try {
    const stream = await createNew(probe);
    stream.end();
    await finished(stream);
  } catch (error) {
    throw refuse(why(error));
  } finally {
    await unlink(probe).catch(() => undefined);
  }
  for (const name of names) {
    const existing = await lstat(join(dir, name)).catch(() => undefined);
    if (existing && !existing.isFile() && !existing.isSymbolicLink())
      throw refuse(`${name} exists and is ${existing.isDirectory() ? 'a directory' : 'not a regular file'}`);
  }
  return {
    dir,
    async writeAll(files) {
      const staged: { temporary: string; path: string }[] = [];
      try {
        for (const file of files) {
          const path = join(dir, file.name);
          const temporary = temporaryName(path);
          staged.push({ temporary, path });
          const stream = await createNew(temporary);
          try {
            await file.render(stream);
            stream.end();
            await finished(stream);
          } catch (error) {
            stream.destroy();
            throw error;
          }
        }
        // rename replaces a symlink at the final name with the file; it never writes through it.
        for (const { temporary, path } of staged) await rename(temporary, path);
        return staged.map(({ path }) => path);
      } catch (error) {
        await Promise.all(staged.map(({ temporary }) => unlink(temporary).catch(() => undefined)));
        throw new InputError(`${option} ${out}: could not write the reports (${why(error)}); none was written`, [], { cause: error });
      }
    },
  };
};
