// SHA-256 of a file while it is being written, computed off the main thread: one shared worker
// thread (file-hash-worker.ts) reads back what has been written (from the page cache) and hashes it
// (with the CRC-32 of each 1 MiB block, for the APKG validator: apkg/crc32-ranges.ts).
// The writer calls written(n) after each write and end(size) after the last one; digest() resolves
// once every byte has been hashed. A dead worker fails its jobs; the next job starts a new one.
import { Worker } from 'node:worker_threads';
import type { HashReply, HashRequest } from './file-hash-worker.ts';

/** SHA-256 (hex) of a file, and the CRC-32 of each of its aligned blocks of blockBytes. */
export type FileDigest = { sha256: string; blockCrc32: { blockBytes: number; crcs: Uint32Array } };

/** Size of the blocks whose CRC-32 is computed beside the hash. */
export const CRC_BLOCK_BYTES = 1024 * 1024;
/** The worker hears about progress in steps of at least this many bytes. */
const NOTIFY_EVERY_BYTES = 8 * 1024 * 1024;

type Pending = { resolve(digest: FileDigest): void; reject(err: Error): void };

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function sharedWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./file-hash-worker.ts', import.meta.url), { name: 'file-hash' });
  w.on('message', (reply: HashReply) => {
    const job = settle(reply.id);
    if (reply.type === 'done') job?.resolve({ sha256: reply.sha256, blockCrc32: { blockBytes: CRC_BLOCK_BYTES, crcs: reply.blockCrcs } });
    else job?.reject(new Error(`SHA-256 of the stored file failed: ${reply.message}`));
  });
  const died = (err: Error) => {
    if (worker !== w) return;
    worker = null;
    const jobs = [...pending.values()];
    pending.clear();
    for (const job of jobs) job.reject(err);
  };
  w.on('error', died);
  w.on('exit', (code) => died(new Error(`the hashing worker exited (code ${code})`)));
  // Keeps the process alive only while it has jobs (see settle()); after the listeners, since
  // adding a 'message' listener refs the worker again.
  w.unref();
  worker = w;
  return w;
}

/** Starts the worker ahead of the first upload (a server does at start-up); it holds no job yet. */
export function startFileHashWorker(): void {
  sharedWorker();
}

/** Removes a job from the pending ones; the worker no longer holds the process once none is left. */
function settle(id: number): Pending | undefined {
  const job = pending.get(id);
  pending.delete(id);
  if (pending.size === 0) worker?.unref();
  return job;
}

export type FileHashJob = {
  /** `bytes` (from the start of the file) are written. */
  written(bytes: number): void;
  /** The file is complete at `bytes`; digest() resolves once they are all hashed. */
  end(bytes: number): void;
  /** Stops the job (the file is being thrown away); digest() rejects. */
  abort(): void;
  /** The hex SHA-256 of the whole file (and its blocks' CRC-32). */
  digest(): Promise<FileDigest>;
};

/** Starts hashing the file at `filePath` (which exists already) as it grows. */
export function hashFileAsWritten(filePath: string): FileHashJob {
  const w = sharedWorker();
  const id = nextId++;
  let done = false;
  if (pending.size === 0) w.ref();
  const result = new Promise<FileDigest>((resolve, reject) => {
    pending.set(id, {
      resolve,
      reject: (err) => {
        done = true;
        reject(err);
      },
    });
  });
  result.catch(() => undefined); // read through digest(); an aborted job's rejection is expected
  const post = (msg: HashRequest) => {
    if (!done) w.postMessage(msg);
  };
  post({ type: 'open', id, path: filePath, blockBytes: CRC_BLOCK_BYTES });
  let told = 0;
  return {
    written(bytes) {
      // Every message wakes the thread: say so once per NOTIFY_EVERY_BYTES, not after every write.
      if (bytes - told < NOTIFY_EVERY_BYTES) return;
      told = bytes;
      post({ type: 'written', id, bytes });
    },
    end(bytes) {
      post({ type: 'end', id, bytes });
      done = true;
    },
    abort() {
      if (done && !pending.has(id)) return;
      w.postMessage({ type: 'abort', id } satisfies HashRequest);
      done = true;
      settle(id)?.reject(new Error('aborted'));
    },
    digest: () => result,
  };
}
