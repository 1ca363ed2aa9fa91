// Shared by the source tests: fixtures, scratch files, and the InputError a load must throw.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { InputError } from '../../src/errors.ts';

export const fixture = (name: string): string => join(import.meta.dirname, '__fixtures__', name);

/** A scratch directory and a writer of files into it. */
export const scratch = (prefix: string): { dir: string; write: (name: string, content: string) => string } => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write: (name, content) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
  };
};

/** The InputError a load throws (fails the test if it resolves or throws something else). */
export const failure = async (promise: Promise<unknown>): Promise<InputError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
};
