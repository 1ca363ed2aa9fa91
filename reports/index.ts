// The renderer registry: format → renderer. Renderers write to a stream, never to the console.
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { htmlRenderer } from './html.ts';
import { jsonRenderer } from './json.ts';
import { markdownRenderer } from './markdown.ts';
import { sarifRenderer } from './sarif.ts';
import type { Format, RenderContext, Renderer, Report } from './types.ts';

export const renderers: ReadonlyMap<Format, Renderer> = new Map<Format, Renderer>([
  ['json', jsonRenderer],
  ['html', htmlRenderer],
  ['sarif', sarifRenderer],
  ['md', markdownRenderer],
]);

/** Renders to a stream the caller owns (stdout for `--out -`): the stream is left open. */
export const renderTo = async (renderer: Renderer, report: Report, stream: Writable, context: RenderContext): Promise<void> => {
  await renderer.render(report, stream, context);
};

/** Renders to a file (created or replaced), resolving once every byte is on disk. */
export const renderToFile = async (renderer: Renderer, report: Report, path: string, context: RenderContext): Promise<void> => {
  const file = createWriteStream(path);
  // Listening from the start: an open or write error rejects here instead of crashing the process.
  const done = finished(file);
  try {
    await renderer.render(report, file, context);
    file.end();
    await done;
  } catch (error) {
    file.destroy();
    await done.catch(() => undefined);
    throw new Error(`${renderer.format} report: write ${path}`, { cause: error });
  }
};

export { renderToString } from './stream.ts';
