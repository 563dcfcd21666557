// Local storage (the embedded default): objects are files under DATA_DIR/objects/<key>. A put streams
// into a temp file in the target's directory (large batched writes; SHA-256 computed by a worker
// thread reading the file back as it grows), fsyncs it, then renames it over the key (atomic, same
// directory: never a copy); the temp file is removed on any error. stage() stops before the rename
// so the caller can check the file while the fsync runs. Signed links point at the local download route.
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../domain/errors.ts';
import type { DownloadUrlSigner } from './download-url-signer.ts';
import { hashFileAsWritten, startFileHashWorker, type FileDigest, type FileHashJob } from './file-hasher.ts';
import { FileWriter } from './file-writer.ts';
import {
  assertValidKey,
  assertValidPrefix,
  assertValidRange,
  objectNotFound,
  ObjectTooLargeError,
  type ByteRange,
  type PutOptions,
  type PutResult,
  type SignedUrlOptions,
  type StageBody,
  type StagedObject,
  type StorageAdapter,
} from './storage-adapter.ts';

const MISSING = new Set(['ENOENT', 'ENOTDIR']);
const errno = (err: unknown) => (err as NodeJS.ErrnoException)?.code ?? '';

export class LocalStorage implements StorageAdapter {
  readonly kind = 'local' as const;
  readonly rootDir: string;
  readonly #signer: DownloadUrlSigner;

  constructor(options: { rootDir: string; signer: DownloadUrlSigner }) {
    this.rootDir = path.resolve(options.rootDir);
    this.#signer = options.signer;
    // The hashing thread loads in the background now rather than during the first upload.
    startFileHashWorker();
  }

  /** The file path of a key; refuses anything that would leave the root directory. */
  #pathOf(keyOrPrefix: string): string {
    const resolved = path.resolve(this.rootDir, ...keyOrPrefix.split('/').filter((s) => s !== ''));
    if (!resolved.startsWith(this.rootDir + path.sep)) {
      throw new AppError('VALIDATION_ERROR', `Invalid storage key: ${JSON.stringify(keyOrPrefix)}`);
    }
    return resolved;
  }

  localPath(key: string): string {
    assertValidKey(key);
    return this.#pathOf(key);
  }

  async put(key: string, body: StageBody, opts: PutOptions = {}): Promise<PutResult> {
    const staged = await this.stage(key, body, opts);
    try {
      await staged.commit();
    } catch (err) {
      await staged.abort();
      throw err;
    }
    return { key, size: staged.size, sha256: staged.sha256 };
  }

  async stage(key: string, body: StageBody, opts: PutOptions = {}): Promise<StagedObject> {
    assertValidKey(key);
    const target = this.#pathOf(key);
    const dir = path.dirname(target);
    const temp = path.join(dir, `.${path.basename(target)}.${crypto.randomBytes(8).toString('hex')}.upload`);
    if (Buffer.isBuffer(body)) return this.#stageBytes(key, target, temp, body, opts);
    let file: fsp.FileHandle | undefined;
    let hash: FileHashJob | undefined;
    let size: number;
    let writer: FileWriter;
    try {
      await fsp.mkdir(dir, { recursive: true });
      file = await fsp.open(temp, 'wx');
      const job = hashFileAsWritten(temp);
      hash = job;
      writer = new FileWriter(file, { maxBytes: opts.maxBytes, onWritten: (n) => job.written(n) });
      await pipeline(body, writer);
      size = writer.bytesWritten;
      job.end(size);
    } catch (err) {
      hash?.abort();
      await file?.close().catch(() => undefined);
      await fsp.rm(temp, { force: true });
      destroyQuietly(body);
      throw err;
    }
    // Durability starts now, in the background: the caller may read the file meanwhile; commit()
    // waits for the fsync before the rename publishes the file.
    const handle = file;
    const durable = Promise.all([writer.backgroundSyncs(), handle.sync()]).finally(() => handle.close());
    durable.catch(() => undefined);
    let digest: FileDigest;
    try {
      digest = await hash.digest();
    } catch (err) {
      await fsp.rm(temp, { force: true });
      throw err;
    }
    return stagedFile({ key, size, sha256: digest.sha256, temp, target, durable, blockCrc32: digest.blockCrc32 });
  }

  /** A small object already in memory: one write, hashed here (no hashing thread), synced in the background. */
  async #stageBytes(key: string, target: string, temp: string, bytes: Buffer, opts: PutOptions): Promise<StagedObject> {
    if (opts.maxBytes !== undefined && bytes.length > opts.maxBytes) throw new ObjectTooLargeError(opts.maxBytes);
    let file: fsp.FileHandle | undefined;
    try {
      await fsp.mkdir(path.dirname(target), { recursive: true });
      file = await fsp.open(temp, 'wx');
      await file.writeFile(bytes);
    } catch (err) {
      await file?.close().catch(() => undefined);
      await fsp.rm(temp, { force: true });
      throw err;
    }
    const handle = file;
    const durable = handle.datasync().finally(() => handle.close());
    durable.catch(() => undefined);
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    return stagedFile({ key, size: bytes.length, sha256, temp, target, durable });
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertValidKey(key);
    assertValidRange(range);
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(this.#pathOf(key), 'r');
    } catch (err) {
      if (MISSING.has(errno(err)) || errno(err) === 'EISDIR') throw objectNotFound(key);
      throw err;
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw objectNotFound(key);
      if (range && range.start >= stat.size) throw new AppError('VALIDATION_ERROR', `Range not satisfiable for ${stat.size} bytes`);
      const end = range ? Math.min(range.end, stat.size - 1) : undefined;
      return handle.createReadStream({ start: range?.start ?? 0, end, autoClose: true });
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async head(key: string): Promise<{ size: number } | null> {
    assertValidKey(key);
    try {
      const stat = await fsp.stat(this.#pathOf(key));
      return stat.isFile() ? { size: stat.size } : null;
    } catch (err) {
      if (MISSING.has(errno(err))) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    try {
      await fsp.unlink(this.#pathOf(key));
    } catch (err) {
      // Missing, or a directory (no object has that key): nothing to delete.
      if (MISSING.has(errno(err)) || errno(err) === 'EISDIR' || errno(err) === 'EPERM') return;
      throw err;
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertValidPrefix(prefix);
    if (prefix.endsWith('/')) {
      const dir = this.#pathOf(prefix);
      const stat = await fsp.lstat(dir).catch((err) => (MISSING.has(errno(err)) ? null : Promise.reject(err)));
      if (stat?.isDirectory()) await fsp.rm(dir, { recursive: true, force: true });
      return;
    }
    // A partial last segment ("orgs/o1/apps/a1/pkg"): every entry of the parent starting with it.
    const slash = prefix.lastIndexOf('/');
    const parent = slash === -1 ? this.rootDir : this.#pathOf(prefix.slice(0, slash));
    const partial = prefix.slice(slash + 1);
    let entries: string[];
    try {
      entries = await fsp.readdir(parent);
    } catch (err) {
      if (MISSING.has(errno(err))) return;
      throw err;
    }
    for (const name of entries) {
      if (name.startsWith(partial)) await fsp.rm(path.join(parent, name), { recursive: true, force: true });
    }
  }

  async signedUrl(key: string, opts: SignedUrlOptions = {}): Promise<string> {
    assertValidKey(key);
    return this.#signer.sign(key, opts);
  }

  describe(key: string): { key: string } {
    assertValidKey(key);
    return { key: this.#pathOf(key) };
  }

  async check(): Promise<void> {
    await fsp.mkdir(this.rootDir, { recursive: true });
    const probe = path.join(this.rootDir, `.health-${crypto.randomBytes(6).toString('hex')}`);
    try {
      await fsp.writeFile(probe, 'ok', { flag: 'wx' });
    } finally {
      await fsp.rm(probe, { force: true });
    }
  }
}

/** The staged object of a temp file: commit() waits for `durable` and renames it over the target. */
function stagedFile(f: { key: string; size: number; sha256: string; temp: string; target: string; durable: Promise<unknown>; blockCrc32?: StagedObject['blockCrc32'] }): StagedObject {
  let state: 'staged' | 'committed' | 'aborted' = 'staged';
  return {
    key: f.key,
    size: f.size,
    sha256: f.sha256,
    localPath: f.temp,
    blockCrc32: f.blockCrc32,
    async commit() {
      if (state !== 'staged') throw new Error(`staged object ${f.key} was ${state} already`);
      await f.durable;
      await fsp.rename(f.temp, f.target);
      state = 'committed';
    },
    async abort() {
      if (state !== 'staged') return;
      state = 'aborted';
      await fsp.rm(f.temp, { force: true });
    },
  };
}

function destroyQuietly(body: NodeJS.ReadableStream | Readable): void {
  const stream = body as Partial<Readable>;
  if (typeof stream.destroy === 'function' && !stream.destroyed) stream.destroy();
}
