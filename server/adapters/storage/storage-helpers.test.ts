// Small pieces of the storage adapter: configuration, file names, ranges, the hashing stream, the
// batching file writer and the hashing worker.

const MiB = 1024 * 1024;
import crypto from 'node:crypto';
import { appendFile, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../../config.ts';
import { attachmentDisposition, safeFileName } from './content-disposition.ts';
import { CRC_BLOCK_BYTES, hashFileAsWritten } from './file-hasher.ts';
import { FileWriter, MIN_WRITE_BYTES, SYNC_EVERY_BYTES } from './file-writer.ts';
import { HashingCounter } from './hashing-stream.ts';
import { parseSingleRange } from './local-download-route.ts';
import { ObjectTooLargeError, assertValidKey, assertValidPrefix } from './storage-adapter.ts';

describe('storage configuration', () => {
  it('defaults to local storage with a one-hour link lifetime', () => {
    const c = loadConfig({});
    expect(c.s3).toBeUndefined();
    expect(c.downloadUrl).toEqual({ secret: undefined, ttlSeconds: 3600 });
  });

  it('reads the S3 settings when S3_BUCKET is set', () => {
    expect(loadConfig({ S3_BUCKET: 'apkg' }).s3).toEqual({
      bucket: 'apkg',
      endpoint: undefined,
      region: 'us-east-1',
      accessKeyId: undefined,
      secretAccessKey: undefined,
      forcePathStyle: false,
    });
    const minio = loadConfig({
      S3_BUCKET: 'apkg',
      S3_ENDPOINT: 'http://minio:9000',
      S3_REGION: 'eu-west-1',
      S3_ACCESS_KEY_ID: 'minio',
      S3_SECRET_ACCESS_KEY: 'minio-secret',
      S3_FORCE_PATH_STYLE: 'true',
      DOWNLOAD_URL_TTL_SECONDS: '600',
    });
    expect(minio.s3).toMatchObject({ endpoint: 'http://minio:9000', region: 'eu-west-1', forcePathStyle: true, accessKeyId: 'minio' });
    expect(minio.downloadUrl.ttlSeconds).toBe(600);
  });

  it('refuses half-set credentials, a bad endpoint, a short secret and an out-of-range lifetime', () => {
    expect(() => loadConfig({ S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'only-id' })).toThrow(ConfigError);
    let message = '';
    try {
      loadConfig({ S3_ENDPOINT: 'minio:9000', DOWNLOAD_URL_SECRET: 'short', DOWNLOAD_URL_TTL_SECONDS: '0' });
    } catch (err) {
      message = (err as Error).message;
    }
    for (const name of ['S3_ENDPOINT', 'DOWNLOAD_URL_SECRET', 'DOWNLOAD_URL_TTL_SECONDS']) expect(message).toContain(name);
  });
});

describe('keys', () => {
  it('accepts server-generated keys and prefixes', () => {
    expect(() => assertValidKey('orgs/0b1c/apps/9f/packages/pkg_1.apkg')).not.toThrow();
    expect(() => assertValidPrefix('orgs/0b1c/')).not.toThrow();
    expect(() => assertValidPrefix('orgs/0b1c/apps/9f/pack')).not.toThrow();
  });

  it('refuses traversal, absolute, backslash, empty-segment and over-long keys', () => {
    for (const key of ['..', 'a/../b', '/a', 'a\\b', 'a//b', './a', 'a/', `${'k'.repeat(1025)}`]) {
      expect(() => assertValidKey(key), key).toThrow(/Invalid storage key/);
    }
    for (const prefix of ['', '/', '../', 'a/../']) expect(() => assertValidPrefix(prefix), prefix).toThrow(/Invalid storage prefix/);
  });
});

describe('Content-Disposition', () => {
  it('keeps plain ASCII names as they are', () => {
    expect(attachmentDisposition('my-agent-1.2.0.apkg')).toBe('attachment; filename="my-agent-1.2.0.apkg"');
  });

  it('adds an RFC 8187 filename* beside an ASCII fallback for other names', () => {
    expect(attachmentDisposition('日本語.csv')).toBe(`attachment; filename="___.csv"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.csv`);
    expect(attachmentDisposition('100%.csv')).toBe(`attachment; filename="100_.csv"; filename*=UTF-8''100%25.csv`);
  });

  it('strips directories, quotes, control characters and leading dots', () => {
    expect(safeFileName('../../x/evil.sh')).toBe('evil.sh');
    expect(safeFileName('C:\\temp\\a.txt')).toBe('a.txt');
    expect(safeFileName('a"b\r\nc')).toBe('a_b__c');
    expect(safeFileName('.htaccess')).toBe('htaccess');
    expect(safeFileName('..')).toBe('download');
    expect(safeFileName('')).toBe('download');
  });
});

describe('parseSingleRange', () => {
  it('reads the three forms of a single range, clamped to the file', () => {
    expect(parseSingleRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseSingleRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseSingleRange('bytes=-5', 100)).toEqual({ start: 95, end: 99 });
    expect(parseSingleRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
  });

  it('ignores what it does not serve', () => {
    for (const h of [undefined, '', 'bytes=0-1,5-6', 'items=0-1', 'bytes=5-1', 'bytes=100-', 'bytes=-0', 'bytes=-']) {
      expect(parseSingleRange(h, 100), String(h)).toBeUndefined();
    }
    expect(parseSingleRange('bytes=0-0', 0)).toBeUndefined();
  });
});

describe('HashingCounter', () => {
  const sink = () =>
    new Writable({
      write(_chunk, _enc, cb) {
        cb();
      },
    });

  it('passes bytes through while counting and hashing them', async () => {
    const hasher = new HashingCounter(10);
    await pipeline(Readable.from([Buffer.from('hello '), Buffer.from('you!')]), hasher, sink());
    expect(hasher.byteCount).toBe(10);
    expect(hasher.sha256).toBe(crypto.createHash('sha256').update('hello you!').digest('hex'));
  });

  it('fails with ObjectTooLargeError (413 PAYLOAD_TOO_LARGE, details.maxBytes) past the limit', async () => {
    const hasher = new HashingCounter(9);
    const err = await pipeline(Readable.from([Buffer.from('hello '), Buffer.from('you!')]), hasher, sink()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ObjectTooLargeError);
    expect(err).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413, details: { maxBytes: 9 } });
  });
});

describe('FileWriter', () => {
  const chunks = (count: number, size: number) => Array.from({ length: count }, (_, i) => Buffer.alloc(size, i % 251));

  it('writes network-sized chunks as few large writes, in order, and reports progress', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'file-writer-'));
    const file = await open(path.join(dir, 'out.bin'), 'wx');
    const writev = vi.spyOn(file, 'writev');
    const progress: number[] = [];
    const parts = chunks(200, 64 * 1024); // 12.5 MiB in 64 KiB pieces
    const writer = new FileWriter(file, { onWritten: (n) => progress.push(n) });
    await pipeline(Readable.from([...parts, Buffer.alloc(0)]), writer);
    await file.close();
    const expected = Buffer.concat(parts);
    expect(writer.bytesWritten).toBe(expected.length);
    expect((await readFile(path.join(dir, 'out.bin'))).equals(expected)).toBe(true);
    expect(writev.mock.calls.length).toBeLessThanOrEqual(Math.ceil(expected.length / MIN_WRITE_BYTES));
    expect(progress.at(-1)).toBe(expected.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses more than maxBytes before writing them (413 PAYLOAD_TOO_LARGE)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'file-writer-'));
    const file = await open(path.join(dir, 'out.bin'), 'wx');
    const writer = new FileWriter(file, { maxBytes: 10 });
    const err = await pipeline(Readable.from([Buffer.from('hello '), Buffer.from('you!!')]), writer).catch((e: unknown) => e);
    await file.close();
    expect(err).toBeInstanceOf(ObjectTooLargeError);
    expect((await readFile(path.join(dir, 'out.bin'))).length).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('makes the file durable in the background as it grows, and reports a failed sync', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'file-writer-'));
    const file = await open(path.join(dir, 'out.bin'), 'wx');
    const datasync = vi.spyOn(file, 'datasync').mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    const writer = new FileWriter(file);
    const err = await pipeline(Readable.from(chunks(Math.ceil((SYNC_EVERY_BYTES * 2) / MiB), MiB)), writer).catch((e: unknown) => e);
    expect(datasync).toHaveBeenCalled();
    expect((err as Error).message).toMatch(/EIO/);
    await expect(writer.backgroundSyncs()).rejects.toThrow(/EIO/);
    await file.close();
    await rm(dir, { recursive: true, force: true });
  });
});

describe('hashFileAsWritten', () => {
  it('hashes a file as it grows, off the main thread, with the CRC-32 of every block', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'file-hasher-'));
    const target = path.join(dir, 'f.bin');
    const data = crypto.randomBytes(2 * CRC_BLOCK_BYTES + 12_345);
    await writeFile(target, Buffer.alloc(0));
    const job = hashFileAsWritten(target);
    const other = hashFileAsWritten(target); // concurrent jobs are independent
    for (let at = 0; at < data.length; at += 700_000) {
      await appendFile(target, data.subarray(at, at + 700_000));
      job.written(Math.min(at + 700_000, data.length));
    }
    job.end(data.length);
    other.end(data.length);
    const digest = await job.digest();
    expect(digest.sha256).toBe(crypto.createHash('sha256').update(data).digest('hex'));
    expect(digest.blockCrc32.blockBytes).toBe(CRC_BLOCK_BYTES);
    expect([...digest.blockCrc32.crcs]).toEqual([0, 1, 2].map((i) => zlib.crc32(data.subarray(i * CRC_BLOCK_BYTES, (i + 1) * CRC_BLOCK_BYTES))));
    expect((await other.digest()).sha256).toBe(digest.sha256);
    await rm(dir, { recursive: true, force: true });
  });

  it('fails for a file that is shorter than announced or missing, and when aborted', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'file-hasher-'));
    const target = path.join(dir, 'f.bin');
    await writeFile(target, 'abc');
    const short = hashFileAsWritten(target);
    short.end(10);
    await expect(short.digest()).rejects.toThrow(/SHA-256 of the stored file failed: the file ended at 3 bytes/);
    const missing = hashFileAsWritten(path.join(dir, 'nope.bin'));
    missing.end(0);
    await expect(missing.digest()).rejects.toThrow(/ENOENT/);
    const aborted = hashFileAsWritten(target);
    aborted.abort();
    await expect(aborted.digest()).rejects.toThrow('aborted');
    const empty = hashFileAsWritten(target);
    empty.end(0);
    expect((await empty.digest()).sha256).toBe(crypto.createHash('sha256').digest('hex'));
    await rm(dir, { recursive: true, force: true });
  });
});
