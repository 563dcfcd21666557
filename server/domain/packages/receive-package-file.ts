// Takes the uploaded APKG stream and sends it to storage as it arrives (the adapter hashes and counts
// on the way). The validator needs random access to the zip: with local storage the file is staged
// beside its key (written and hashed, its fsync running) and validated there, then commit() renames
// it into place, never a copy; with S3 the stream is also teed into a temporary file. Nothing
// proportional to the file's size is held in memory, except for small packages (most of them): a
// package that ends within SMALL_PACKAGE_BYTES is received in memory, stored in one write and
// validated from its bytes (no temp file, no reads back). `discard()` removes everything.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StorageAdapter } from '../../adapters/storage/storage-adapter.ts';
import type { BlockCrc32 } from '../../apkg/crc32-ranges.ts';

/** Packages up to this size are received in memory (bounded per upload), larger ones streamed. */
export const SMALL_PACKAGE_BYTES = 1024 * 1024;

export type ReceivedPackageFile = {
  storageKey: string;
  /** The package's bytes for validation: a local file (until commit, cleanup or discard), or the bytes of a small package. */
  data: string | Buffer;
  size: number;
  sha256: string;
  /** CRC-32 of each aligned block of tempPath, when storage computed them (spares the validator a read). */
  blockCrc32?: BlockCrc32;
  /** Publishes the package at storageKey, durably (call once it has been accepted). */
  commit(): Promise<void>;
  /** Removes the temporary file, if any (always call when done). */
  cleanup(): Promise<void>;
  /** Removes the stored object too (when the upload is refused). */
  discard(): Promise<void>;
};

export async function receivePackageFile(storage: StorageAdapter, source: Readable, storageKey: string, maxBytes: number): Promise<ReceivedPackageFile> {
  const head = await readHead(source, SMALL_PACKAGE_BYTES);
  const small = head.ended ? Buffer.concat(head.chunks) : null;
  const stream = small ? null : head.stream;
  if (small || storage.localPath(storageKey)) {
    const staged = await storage.stage(storageKey, small ?? (stream as Readable), { contentType: 'application/octet-stream', maxBytes });
    const data = small ?? staged.localPath;
    if (data === null) {
      await staged.abort();
      throw new Error('local storage staged the package without a local file');
    }
    let committed = false;
    return {
      storageKey,
      data,
      size: staged.size,
      sha256: staged.sha256,
      blockCrc32: staged.blockCrc32,
      async commit() {
        await staged.commit();
        committed = true;
      },
      cleanup: async () => undefined,
      async discard() {
        if (committed) await storage.delete(storageKey).catch(() => undefined);
        else await staged.abort().catch(() => undefined);
      },
    };
  }

  const body = stream as Readable;
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'pixell-upload-'));
  const tempPath = path.join(dir, 'package.apkg');
  const cleanup = () => fs.promises.rm(dir, { recursive: true, force: true });
  // Fan out with backpressure: the source pauses whenever either branch is slow.
  const toStorage = new PassThrough({ highWaterMark: 1024 * 1024 });
  const toDisk = new PassThrough({ highWaterMark: 1024 * 1024 });
  body.pipe(toStorage);
  body.pipe(toDisk);
  body.on('error', (err) => {
    toStorage.destroy(err);
    toDisk.destroy(err);
  });
  const stored = storage.put(storageKey, toStorage, { contentType: 'application/octet-stream', maxBytes });
  const written = pipeline(toDisk, fs.createWriteStream(tempPath));
  try {
    const [{ size, sha256 }] = await Promise.all([stored, written]);
    return {
      storageKey,
      data: tempPath,
      size,
      sha256,
      commit: async () => undefined,
      cleanup,
      async discard() {
        await cleanup();
        await storage.delete(storageKey).catch(() => undefined);
      },
    };
  } catch (err) {
    toStorage.destroy();
    toDisk.destroy();
    await Promise.allSettled([stored, written]);
    await cleanup();
    await storage.delete(storageKey).catch(() => undefined);
    throw err;
  }
}

/**
 * Reads `source` until it ends or more than `limit` bytes arrived. When it ended, `chunks` are all
 * of it; otherwise `stream` gives every byte again (the chunks read, then the rest of `source`), and
 * destroying `stream` destroys `source`.
 */
async function readHead(source: Readable, limit: number): Promise<{ chunks: Buffer[]; ended: boolean; stream: Readable }> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let bytes = 0;
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await it.next();
    } catch (err) {
      source.destroy();
      throw err;
    }
    if (next.done) return { chunks, ended: true, stream: source };
    chunks.push(next.value);
    bytes += next.value.length;
    if (bytes > limit) break;
  }
  async function* replay() {
    try {
      yield* chunks.splice(0);
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await it.return?.();
    }
  }
  return { chunks: [], ended: false, stream: Readable.from(replay(), { objectMode: false }) };
}
