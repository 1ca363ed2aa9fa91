// Writing to a renderer's output stream: chunked, and waiting on backpressure so a large report never piles up in memory.
import { once } from 'node:events';
import { Writable } from 'node:stream';
import type { RenderContext, Renderer, Report } from './types.ts';

/** Writes one chunk; resolves when the stream can take more (rejects if it errors meanwhile). */
export const write = async (out: Writable, chunk: string): Promise<void> => {
  if (chunk.length === 0) return;
  if (!out.write(chunk)) await once(out, 'drain');
};

/** Collects many small pieces into chunks of about `size` characters before writing them. */
export class ChunkWriter {
  readonly #out: Writable;
  readonly #size: number;
  #parts: string[] = [];
  #length = 0;

  constructor(out: Writable, size = 64 * 1024) {
    this.#out = out;
    this.#size = size;
  }

  async push(part: string): Promise<void> {
    this.#parts.push(part);
    this.#length += part.length;
    if (this.#length >= this.#size) await this.flush();
  }

  async flush(): Promise<void> {
    const chunk = this.#parts.join('');
    this.#parts = [];
    this.#length = 0;
    await write(this.#out, chunk);
  }
}

/** Renders to a string (tests, small reports). */
export const renderToString = async (renderer: Renderer, report: Report, context: RenderContext): Promise<string> => {
  const chunks: string[] = [];
  const sink = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      callback();
    },
  });
  await renderer.render(report, sink, context);
  return chunks.join('');
};
