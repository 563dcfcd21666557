// The object storage adapter: S3 (AWS SDK v3; MinIO or any S3-compatible server) when S3_BUCKET is
// set, otherwise files under DATA_DIR/objects. Bodies are streamed in and out; nothing proportional
// to an object's size is held in memory.
import type { Readable } from 'node:stream';
import { AppError } from '../../domain/errors.ts';

export type PutOptions = {
  contentType?: string;
  /** The upload is aborted with ObjectTooLargeError as soon as more bytes than this arrive. */
  maxBytes?: number;
};

export type PutResult = { key: string; size: number; sha256: string };

/**
 * An object received but not yet published at its key (see StorageAdapter.stage): inspect it, then
 * commit() or abort(). Exactly one of them must be called.
 */
export type StagedObject = PutResult & {
  /** A local file holding the object's bytes until commit/abort (local storage), else null. */
  localPath: string | null;
  /** CRC-32 of each aligned block of `localPath` (local storage), computed while storing it. */
  blockCrc32?: { blockBytes: number; crcs: Uint32Array };
  /** Publishes the object at its key once durable; a previous object at the key is replaced. */
  commit(): Promise<void>;
  /** Throws the bytes away: nothing is left at the key (local storage: a previous object stays as it was). */
  abort(): Promise<void>;
};

/** What stage() takes: a stream, or the bytes of a small object already in memory. */
export type StageBody = NodeJS.ReadableStream | Readable | Buffer;

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export type ByteRange = { start: number; end: number };

export type SignedUrlOptions = {
  /** Lifetime of the link; defaults to DOWNLOAD_URL_TTL_SECONDS. 1..604800 (S3's limit of 7 days). */
  ttlSeconds?: number;
  /** File name offered to the browser (Content-Disposition: attachment). Defaults to the key's last segment. */
  fileName?: string;
};

export interface StorageAdapter {
  readonly kind: 'local' | 's3';
  /** The file of an object when storage is the local disk (readers may open it directly), else null. */
  localPath(key: string): string | null;
  /**
   * Streams `body` to `key`; resolves with byte size and SHA-256 hex computed while streaming.
   * Never buffers the whole body (a small one may be given as a Buffer). On error nothing is left
   * behind at `key` (a previous object at `key` stays as it was), and `body` is destroyed.
   */
  put(key: string, body: StageBody, opts?: PutOptions): Promise<PutResult>;
  /**
   * Streams `body` like put() but publishes it only on commit(), so the caller can check the bytes
   * first (local storage: in `localPath`, while they are being made durable). Local storage writes
   * beside the key and commit renames (no copy). S3 uploads at once: commit is a no-op and abort
   * deletes the key, so stage S3 objects only to new keys (package keys are). On error nothing is
   * left behind and `body` is destroyed. A small body already in memory may be given as a Buffer:
   * it is written in one go (local storage: hashed in-line, no hashing thread, no block CRCs).
   */
  stage(key: string, body: StageBody, opts?: PutOptions): Promise<StagedObject>;
  /** The object's bytes (or the inclusive `range` of them); NOT_FOUND AppError when missing. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  head(key: string): Promise<{ size: number } | null>;
  /** Idempotent: deleting a missing object succeeds. */
  delete(key: string): Promise<void>;
  /** Deletes every object whose key starts with `prefix` (string prefix, as in S3). */
  deletePrefix(prefix: string): Promise<void>;
  /**
   * A URL that downloads the object without a session for ttl seconds: presigned GET in S3 mode;
   * in local mode `${publicUrl}/api/storage/download?key=…&expires=…&sig=…` (HMAC-SHA256).
   */
  signedUrl(key: string, opts?: SignedUrlOptions): Promise<string>;
  /** s3:// style (bucket + key) or absolute file path, for humans and the runtime. */
  describe(key: string): { bucket?: string; key: string };
  /** Health: bucket reachable / directory writable. Throws when not. */
  check(): Promise<void>;
}

/** Thrown by put() when the body exceeds `maxBytes` (413 PAYLOAD_TOO_LARGE through the API). */
export class ObjectTooLargeError extends AppError {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super('PAYLOAD_TOO_LARGE', `The file is larger than the limit of ${maxBytes} bytes`, { details: { maxBytes } });
    this.name = 'ObjectTooLargeError';
    this.maxBytes = maxBytes;
  }
}

export const objectNotFound = (key: string) => new AppError('NOT_FOUND', `Object ${key} not found`);

export const MAX_SIGNED_URL_TTL_SECONDS = 604_800;

/**
 * Keys are server-generated (`orgs/<orgId>/apps/<appId>/packages/<pkgId>.apkg`), but are still
 * checked: relative, `/`-separated, no empty, `.` or `..` segments, no backslashes or control
 * characters, at most 1024 bytes (S3's limit).
 */
export function assertValidKey(key: string): void {
  if (!isValidKeyPath(key, false)) throw new AppError('VALIDATION_ERROR', `Invalid storage key: ${JSON.stringify(key)}`);
}

/** A prefix follows the key rules, may end with `/`, and must not be empty (that would be everything). */
export function assertValidPrefix(prefix: string): void {
  if (!isValidKeyPath(prefix, true)) throw new AppError('VALIDATION_ERROR', `Invalid storage prefix: ${JSON.stringify(prefix)}`);
}

function isValidKeyPath(value: string, allowTrailingSlash: boolean): boolean {
  if (typeof value !== 'string' || value.length === 0 || Buffer.byteLength(value) > 1024) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return false;
  if (value.startsWith('/')) return false;
  const body = allowTrailingSlash && value.endsWith('/') ? value.slice(0, -1) : value;
  if (body.length === 0) return false;
  return body.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

export function resolveTtlSeconds(ttlSeconds: number | undefined, fallback: number): number {
  const ttl = ttlSeconds ?? fallback;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_SIGNED_URL_TTL_SECONDS) {
    throw new AppError('VALIDATION_ERROR', `ttlSeconds must be an integer between 1 and ${MAX_SIGNED_URL_TTL_SECONDS}`);
  }
  return ttl;
}

export function assertValidRange(range: ByteRange | undefined): void {
  if (!range) return;
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new AppError('VALIDATION_ERROR', `Invalid byte range ${start}-${end}`);
  }
}

/** The last segment of a key: the default download file name. */
export function keyBaseName(key: string): string {
  const i = key.lastIndexOf('/');
  return i === -1 ? key : key.slice(i + 1);
}
