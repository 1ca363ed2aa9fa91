import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ChunkWriter, write } from './stream.ts';

/** A slow sink with a tiny buffer: every write past it must wait for 'drain'. */
const slowSink = () => {
  const received: string[] = [];
  let drains = 0;
  const sink = new Writable({
    highWaterMark: 8,
    decodeStrings: false,
    write(chunk: string, _encoding, callback) {
      received.push(chunk);
      setImmediate(callback);
    },
  });
  sink.on('drain', () => (drains += 1));
  return { sink, received, drains: () => drains };
};

describe('stream writing', () => {
  it('waits for drain and loses nothing', async () => {
    const { sink, received, drains } = slowSink();
    const writer = new ChunkWriter(sink, 100);
    const parts = Array.from({ length: 500 }, (_, i) => `part ${i};`);
    for (const part of parts) await writer.push(part);
    await writer.flush();
    expect(received.join('')).toBe(parts.join(''));
    expect(received.length).toBeGreaterThan(10); // chunked, not one write
    expect(received.every((c) => c.length < 120)).toBe(true);
    expect(drains()).toBeGreaterThan(0);
  });

  it('rejects when the stream fails instead of waiting forever', async () => {
    const sink = new Writable({ highWaterMark: 1, write: (_c, _e, callback) => setImmediate(() => callback(new Error('disk full'))) });
    await expect(write(sink, 'more than one byte')).rejects.toThrow('disk full');
  });
});
