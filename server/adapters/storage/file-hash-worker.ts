// Worker thread of file-hasher.ts: SHA-256 of files that are being written by the main thread. For
// each job the main thread says how many bytes are on disk so far ('written') and finally the total
// ('end'); this thread reads them back (page cache) into one reused buffer and hashes them, so the
// hashing costs the main thread nothing but a message per write. On the same bytes it computes the
// CRC-32 of every aligned block of `blockBytes` (block-crc32.ts: the validator derives the CRC of a
// stored zip entry from them instead of reading it again). Runs the jobs of every upload.
import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { parentPort } from 'node:worker_threads';

export type HashRequest =
  | { type: 'open'; id: number; path: string; blockBytes: number }
  | { type: 'written'; id: number; bytes: number }
  | { type: 'end'; id: number; bytes: number }
  | { type: 'abort'; id: number };

export type HashReply =
  | { type: 'done'; id: number; sha256: string; blockCrcs: Uint32Array }
  | { type: 'error'; id: number; message: string };

type Job = {
  fd: number;
  hash: crypto.Hash;
  hashed: number;
  available: number;
  size: number | null;
  blockBytes: number;
  blockCrcs: number[];
  /** CRC-32 and length of the block being filled. */
  blockCrc: number;
  blockFill: number;
};

const READ_BYTES = 4 * 1024 * 1024;
const buffer = Buffer.allocUnsafe(READ_BYTES);
const jobs = new Map<number, Job>();
const port = parentPort;
if (!port) throw new Error('file-hash-worker.ts runs as a worker thread');

port.on('message', (msg: HashRequest) => {
  try {
    handle(msg);
  } catch (err) {
    fail(msg.id, err instanceof Error ? err.message : String(err));
  }
});

function handle(msg: HashRequest): void {
  if (msg.type === 'open') {
    const fd = fs.openSync(msg.path, 'r');
    jobs.set(msg.id, { fd, hash: crypto.createHash('sha256'), hashed: 0, available: 0, size: null, blockBytes: msg.blockBytes, blockCrcs: [], blockCrc: 0, blockFill: 0 });
    return;
  }
  const job = jobs.get(msg.id);
  if (!job) return; // aborted or failed already
  if (msg.type === 'abort') {
    close(msg.id, job);
    return;
  }
  job.available = Math.max(job.available, msg.bytes);
  if (msg.type === 'end') job.size = msg.bytes;
  while (job.hashed < job.available) {
    const n = fs.readSync(job.fd, buffer, 0, Math.min(READ_BYTES, job.available - job.hashed), job.hashed);
    if (n === 0) throw new Error(`the file ended at ${job.hashed} bytes, ${job.available} were written`);
    job.hash.update(buffer.subarray(0, n));
    job.hashed += n;
    for (let at = 0; at < n; ) {
      const take = Math.min(n - at, job.blockBytes - job.blockFill);
      job.blockCrc = zlib.crc32(buffer.subarray(at, at + take), job.blockCrc);
      job.blockFill += take;
      at += take;
      if (job.blockFill === job.blockBytes) {
        job.blockCrcs.push(job.blockCrc);
        job.blockCrc = 0;
        job.blockFill = 0;
      }
    }
  }
  if (job.size !== null) {
    if (job.hashed !== job.size) throw new Error(`hashed ${job.hashed} bytes of ${job.size}`);
    if (job.blockFill > 0) job.blockCrcs.push(job.blockCrc);
    const sha256 = job.hash.digest('hex');
    const blockCrcs = Uint32Array.from(job.blockCrcs);
    close(msg.id, job);
    port!.postMessage({ type: 'done', id: msg.id, sha256, blockCrcs } satisfies HashReply, [blockCrcs.buffer]);
  }
}

function fail(id: number, message: string): void {
  const job = jobs.get(id);
  if (job) close(id, job);
  port!.postMessage({ type: 'error', id, message } satisfies HashReply);
}

function close(id: number, job: Job): void {
  jobs.delete(id);
  try {
    fs.closeSync(job.fd);
  } catch {
    // already closed
  }
}
