// What a command gets from the CLI: streams, working directory, environment, a logger.
import type { Writable } from 'node:stream';
import type { Logger } from '../../connectors/types.ts';
import { terminalText } from './terminal.ts';

export interface Io {
  stdout: Writable;
  stderr: Writable;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });

/**
 * Progress and warnings on stderr, so stdout stays clean for `--out -`. Per-target progress
 * (started, requests, retries, done) shows on a terminal, or anywhere with `progress: true`;
 * `quiet` silences it and the other info lines.
 */
export const stderrLogger = (io: Io, { quiet = false, verbose = false, progress = false } = {}): Logger => ({
  info: (message) => {
    if (!quiet) io.stderr.write(terminalText(`dutybound: ${message}\n`));
  },
  warn: (message) => io.stderr.write(terminalText(`dutybound: warning: ${message}\n`)),
  debug: (message) => {
    if (verbose) io.stderr.write(terminalText(`dutybound: ${message}\n`));
  },
  ...(!quiet && (progress || (io.stderr as { isTTY?: boolean }).isTTY === true) ? { progress: (message: string) => void io.stderr.write(terminalText(`dutybound: ${message}\n`)) } : {}),
});

/** Writes data as is (a report, an inventory): for messages to people, use `say`. */
export const write = (stream: Writable, text: string): Promise<void> =>
  new Promise((resolve, reject) => stream.write(text, (error) => (error ? reject(error) : resolve())));

/** Writes a message for people (a summary, validation results): control characters made inert. */
export const say = (stream: Writable, text: string): Promise<void> => write(stream, terminalText(text));
