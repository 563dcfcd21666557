// Takes the uploaded APKG stream and sends it to storage as it arrives (the adapter hashes and counts
// on the way). The validator needs random access to the zip: with local storage it reads the stored
// file itself; with S3 the stream is also teed into a temporary file. Nothing proportional to the
// file's size is held in memory. `discard()` removes everything.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StorageAdapter } from '../../adapters/storage/storage-adapter.ts';

export type ReceivedPackageFile = {
  storageKey: string;
  /** A local file with the package's bytes, for validation. */
  tempPath: string;
  size: number;
  sha256: string;
  /** Removes the temporary file, if any (always call when done). */
  cleanup(): Promise<void>;
  /** Removes the stored object too (when the upload is refused). */
  discard(): Promise<void>;
};

export async function receivePackageFile(storage: StorageAdapter, stream: Readable, storageKey: string, maxBytes: number): Promise<ReceivedPackageFile> {
  const localPath = storage.localPath(storageKey);
  if (localPath) {
    const { size, sha256 } = await storage.put(storageKey, stream, { contentType: 'application/octet-stream', maxBytes });
    const discard = () => storage.delete(storageKey).catch(() => undefined);
    return { storageKey, tempPath: localPath, size, sha256, cleanup: async () => undefined, discard };
  }

  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'pixell-upload-'));
  const tempPath = path.join(dir, 'package.apkg');
  const cleanup = () => fs.promises.rm(dir, { recursive: true, force: true });
  // Fan out with backpressure: the source pauses whenever either branch is slow.
  const toStorage = new PassThrough({ highWaterMark: 1024 * 1024 });
  const toDisk = new PassThrough({ highWaterMark: 1024 * 1024 });
  stream.pipe(toStorage);
  stream.pipe(toDisk);
  stream.on('error', (err) => {
    toStorage.destroy(err);
    toDisk.destroy(err);
  });
  const stored = storage.put(storageKey, toStorage, { contentType: 'application/octet-stream', maxBytes });
  const written = pipeline(toDisk, fs.createWriteStream(tempPath));
  try {
    const [{ size, sha256 }] = await Promise.all([stored, written]);
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
  } catch (err) {
    toStorage.destroy();
    toDisk.destroy();
    await Promise.allSettled([stored, written]);
    await cleanup();
    await storage.delete(storageKey).catch(() => undefined);
    throw err;
  }
}
