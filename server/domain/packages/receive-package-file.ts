// Takes the uploaded APKG stream and sends it, as it arrives, both to storage (under its final key)
// and to a temporary file the validator reads (zip needs random access), hashing and counting on
// the way. Nothing proportional to the file's size is held in memory. `discard()` removes both.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StorageAdapter } from '../../adapters/storage/storage-adapter.ts';

export type ReceivedPackageFile = {
  storageKey: string;
  tempPath: string;
  size: number;
  sha256: string;
  /** Removes the temporary file (always call when done). */
  cleanup(): Promise<void>;
  /** Removes the stored object too (when the upload is refused). */
  discard(): Promise<void>;
};

export async function receivePackageFile(storage: StorageAdapter, stream: Readable, storageKey: string, maxBytes: number): Promise<ReceivedPackageFile> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'pixell-upload-'));
  const tempPath = path.join(dir, 'package.apkg');
  const cleanup = () => fs.promises.rm(dir, { recursive: true, force: true });
  const hash = crypto.createHash('sha256');
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > maxBytes) return cb(new Error('too large'));
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  // Fan out with backpressure: the source pauses whenever either branch is slow.
  const toStorage = new PassThrough({ highWaterMark: 1024 * 1024 });
  const toDisk = new PassThrough({ highWaterMark: 1024 * 1024 });
  counter.pipe(toStorage);
  counter.pipe(toDisk);
  const stored = storage.put(storageKey, toStorage, { contentType: 'application/octet-stream', maxBytes });
  const written = pipeline(toDisk, fs.createWriteStream(tempPath));
  try {
    await Promise.all([pipeline(stream, counter), stored, written]);
  } catch (err) {
    toStorage.destroy();
    toDisk.destroy();
    await Promise.allSettled([stored, written]);
    await cleanup();
    await storage.delete(storageKey).catch(() => undefined);
    throw err;
  }
  const sha256 = hash.digest('hex');
  return {
    storageKey,
    tempPath,
    size,
    sha256,
    cleanup,
    async discard() {
      await cleanup();
      await storage.delete(storageKey).catch(() => undefined);
    },
  };
}
