// Takes the uploaded APKG stream and sends it to storage as it arrives (the adapter hashes and counts
// on the way). The validator needs random access to the zip: with local storage the file is staged
// beside its key (written and hashed, its fsync running) and validated there, then commit() renames
// it into place, never a copy; with S3 the stream is also teed into a temporary file. Nothing
// proportional to the file's size is held in memory. `discard()` removes everything.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StorageAdapter } from '../../adapters/storage/storage-adapter.ts';
import type { BlockCrc32 } from '../../apkg/crc32-ranges.ts';

export type ReceivedPackageFile = {
  storageKey: string;
  /** A local file with the package's bytes, for validation (until commit, cleanup or discard). */
  tempPath: string;
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

export async function receivePackageFile(storage: StorageAdapter, stream: Readable, storageKey: string, maxBytes: number): Promise<ReceivedPackageFile> {
  if (storage.localPath(storageKey)) {
    const staged = await storage.stage(storageKey, stream, { contentType: 'application/octet-stream', maxBytes });
    const tempPath = staged.localPath;
    if (tempPath === null) {
      await staged.abort();
      throw new Error('local storage staged the package without a local file');
    }
    let committed = false;
    return {
      storageKey,
      tempPath,
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
