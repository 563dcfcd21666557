// Small pieces of the storage adapter: configuration, file names, ranges, the hashing stream.
import crypto from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.ts';
import { attachmentDisposition, safeFileName } from './content-disposition.ts';
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
