// Helpers for the storage tests: bodies generated on the fly (never one big Buffer), stream digests,
// an s3rver on a random port, and a tiny Express app mounting the local download route.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import express, { type Router } from 'express';
import S3rver from 's3rver';

const CHUNK = 64 * 1024;

/** Deterministic pseudo-random bytes (xorshift32), generated lazily chunk by chunk. */
function* patternChunks(totalBytes: number, seed: number): Generator<Buffer> {
  let state = seed >>> 0 || 1;
  let produced = 0;
  while (produced < totalBytes) {
    const len = Math.min(CHUNK, totalBytes - produced);
    const buf = Buffer.allocUnsafe(len);
    for (let i = 0; i < len; i++) {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      buf[i] = state & 0xff;
    }
    produced += len;
    yield buf;
  }
}

/** A byte stream of `totalBytes` generated as it is read. */
export function patternedBody(totalBytes: number, seed: number): Readable {
  const chunks = patternChunks(totalBytes, seed);
  return new Readable({
    read() {
      const next = chunks.next();
      this.push(next.done ? null : next.value);
    },
  });
}

/** A stream that emits `bytesBeforeError` bytes and then fails. */
export function failingBody(bytesBeforeError: number, seed: number): Readable {
  const chunks = patternChunks(bytesBeforeError, seed);
  return new Readable({
    read() {
      const next = chunks.next();
      if (next.done) this.destroy(new Error('client went away'));
      else this.push(next.value);
    },
  });
}

export function expectedDigest(totalBytes: number, seed: number): { size: number; sha256: string } {
  const hash = crypto.createHash('sha256');
  for (const chunk of patternChunks(totalBytes, seed)) hash.update(chunk);
  return { size: totalBytes, sha256: hash.digest('hex') };
}

/** The exact bytes [start, end] of the pattern (small ranges only). */
export function expectedSlice(totalBytes: number, seed: number, start: number, end: number): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (const chunk of patternChunks(totalBytes, seed)) {
    const chunkEnd = offset + chunk.length - 1;
    if (chunkEnd >= start && offset <= end) parts.push(chunk.subarray(Math.max(0, start - offset), Math.min(chunk.length, end - offset + 1)));
    offset += chunk.length;
    if (offset > end) break;
  }
  return Buffer.concat(parts);
}

/** Size and SHA-256 of a stream, read chunk by chunk. */
export async function digestStream(stream: AsyncIterable<Uint8Array> | NodeJS.ReadableStream): Promise<{ size: number; sha256: string }> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    hash.update(chunk);
  }
  return { size, sha256: hash.digest('hex') };
}

export async function readSmall(stream: AsyncIterable<Uint8Array> | NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Uint8Array>) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

export async function tempDir(name: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `pixell-${name}-`));
}

/** Every file below `dir` (relative paths), temp files included. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export async function startS3rver(): Promise<{ endpoint: string; directory: string; close(): Promise<void> }> {
  const directory = await tempDir('s3rver');
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    directory,
    async close() {
      await server.close();
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * Starts an Express app whose /api mounts the router built later by `mount` (the public URL, with
 * its port, must be known to build the storage config first).
 */
export async function startDownloadApp(): Promise<{ url: string; mount(router: Router): void; close(): Promise<void> }> {
  let mounted: Router | undefined;
  const app = express();
  app.use('/api', (req, res, next) => (mounted ? mounted(req, res, next) : next()));
  app.use((_req, res) => {
    res.status(404).json({ error: 'no route', code: 'NOT_FOUND' });
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    mount(router) {
      mounted = router;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
