// S3 storage (AWS SDK v3): AWS S3, MinIO or any S3-compatible server (S3_ENDPOINT + S3_FORCE_PATH_STYLE).
// A put pipes the body through a hashing/counting stream into a lib-storage multipart Upload (8 MiB
// parts, 2 in flight), so memory per upload is bounded by ~3 parts whatever the file size; on any
// error (including maxBytes) the multipart upload is aborted and no object appears at the key.
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import { AppError } from '../../domain/errors.ts';
import { attachmentDisposition } from './content-disposition.ts';
import { HashingCounter } from './hashing-stream.ts';
import {
  assertValidKey,
  assertValidPrefix,
  assertValidRange,
  keyBaseName,
  objectNotFound,
  resolveTtlSeconds,
  type ByteRange,
  type PutOptions,
  type PutResult,
  type SignedUrlOptions,
  type StageBody,
  type StagedObject,
  type StorageAdapter,
} from './storage-adapter.ts';

export const S3_PART_SIZE = 8 * 1024 * 1024;
export const S3_QUEUE_SIZE = 2;

export type S3StorageOptions = NonNullable<Config['s3']> & { defaultTtlSeconds: number };

export class S3Storage implements StorageAdapter {
  readonly kind = 's3' as const;
  readonly bucket: string;
  readonly client: S3Client;
  readonly #defaultTtlSeconds: number;
  readonly #log: Logger | undefined;

  constructor(options: S3StorageOptions, log?: Logger) {
    this.bucket = options.bucket;
    this.#defaultTtlSeconds = options.defaultTtlSeconds;
    this.#log = log;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials:
        options.accessKeyId && options.secretAccessKey
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
          : undefined,
      // Only send/validate the newer flexible checksums where the API requires them: S3-compatible
      // servers (older MinIO, s3rver, Ceph) reject aws-chunked bodies with trailing CRC32 checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  localPath(): null {
    return null;
  }

  async put(key: string, body: StageBody, opts: PutOptions = {}): Promise<PutResult> {
    assertValidKey(key);
    const hasher = new HashingCounter(opts.maxBytes);
    // Errors flow both ways: a failing body destroys the hasher (which fails the Upload's read), an
    // oversized body makes the hasher fail (which destroys the body).
    const piping = pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, hasher);
    piping.catch(() => undefined);
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: hasher,
        ContentType: opts.contentType ?? 'application/octet-stream',
      },
      partSize: S3_PART_SIZE,
      queueSize: S3_QUEUE_SIZE,
      leavePartsOnError: false,
    });
    try {
      // done() rejects only after lib-storage has sent AbortMultipartUpload (leavePartsOnError: false);
      // a single-part body is only PUT once it has fully arrived, so a failed one never reaches S3.
      await upload.done();
    } catch (uploadErr) {
      hasher.destroy();
      // The body's or the hasher's own error (e.g. ObjectTooLargeError) is the real cause when there is one.
      const pipeErr = await piping.then(() => undefined, (e: unknown) => e);
      throw pipeErr && !isPrematureClose(pipeErr) ? pipeErr : uploadErr;
    }
    await piping;
    return { key, size: hasher.byteCount, sha256: hasher.sha256 };
  }

  /** Uploads at once (S3 has no rename): commit() is a no-op, abort() deletes the key. */
  async stage(key: string, body: StageBody, opts: PutOptions = {}): Promise<StagedObject> {
    const put = await this.put(key, body, opts);
    let aborted = false;
    return {
      ...put,
      localPath: null,
      async commit() {
        if (aborted) throw new Error(`staged object ${key} was aborted already`);
      },
      abort: async () => {
        if (aborted) return;
        aborted = true;
        await this.delete(key);
      },
    };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    assertValidKey(key);
    assertValidRange(range);
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      return res.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) throw objectNotFound(key);
      if (err instanceof S3ServiceException && err.name === 'InvalidRange') {
        throw new AppError('VALIDATION_ERROR', 'Range not satisfiable');
      }
      throw err;
    }
  }

  async head(key: string): Promise<{ size: number } | null> {
    assertValidKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: res.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertValidPrefix(prefix);
    // Listing again from the start after each deleted page: keys removed meanwhile do not shift pages.
    for (;;) {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: 1000 }));
      const keys = (page.Contents ?? []).map((o) => o.Key).filter((k): k is string => typeof k === 'string');
      if (keys.length === 0) return;
      const res = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
      );
      const failed = (res.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0) {
        throw new Error(`S3 DeleteObjects failed for ${failed.length} key(s), first: ${failed[0].Key} (${failed[0].Code}: ${failed[0].Message})`);
      }
      if (!page.IsTruncated) return;
    }
  }

  async signedUrl(key: string, opts: SignedUrlOptions = {}): Promise<string> {
    assertValidKey(key);
    const expiresIn = resolveTtlSeconds(opts.ttlSeconds, this.#defaultTtlSeconds);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: attachmentDisposition(opts.fileName ?? keyBaseName(key)),
    });
    return getSignedUrl(this.client, command, { expiresIn });
  }

  describe(key: string): { bucket: string; key: string } {
    assertValidKey(key);
    return { bucket: this.bucket, key };
  }

  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      this.#log?.warn({ err, bucket: this.bucket }, 'S3 bucket check failed');
      throw new Error(`S3 bucket ${this.bucket} is not reachable: ${(err as Error)?.name ?? 'error'}`, { cause: err });
    }
  }

  /** Closes the client's sockets (tests, shutdown). */
  close(): void {
    this.client.destroy();
  }
}

function isNotFound(err: unknown): boolean {
  if (!(err instanceof S3ServiceException)) return false;
  return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404;
}

function isPrematureClose(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ERR_STREAM_PREMATURE_CLOSE';
}
