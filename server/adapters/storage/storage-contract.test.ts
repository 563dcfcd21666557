// One contract, both implementations: local files (temp DATA_DIR) and S3 (s3rver on a random port).
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { AppError } from '../../domain/errors.ts';
import { createStorageAdapter } from './index.ts';
import { localDownloadRoutes } from './local-download-route.ts';
import { LocalStorage } from './local-storage.ts';
import { S3Storage, S3_PART_SIZE } from './s3-storage.ts';
import { ObjectTooLargeError, type StorageAdapter } from './storage-adapter.ts';
import {
  S3RVER_CREDENTIALS,
  digestStream,
  expectedDigest,
  expectedSlice,
  failingBody,
  listFiles,
  patternedBody,
  readSmall,
  startDownloadApp,
  startS3rver,
  tempDir,
} from './storage-test-support.ts';

const MiB = 1024 * 1024;
const silent = pino({ level: 'silent' });

type Setup = {
  storage: StorageAdapter;
  /** Every stored key or file (for local: temp files too), to prove failed puts leave nothing. */
  everything(): Promise<string[]>;
  close(): Promise<void>;
};

async function localSetup(): Promise<Setup> {
  const dataDir = await tempDir('local-storage');
  const app = await startDownloadApp();
  const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: app.url });
  const storage = createStorageAdapter(config, silent);
  app.mount(localDownloadRoutes(storage, config));
  const root = (storage as LocalStorage).rootDir;
  return {
    storage,
    everything: () => listFiles(root),
    async close() {
      await app.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function s3Setup(): Promise<Setup> {
  const s3 = await startS3rver();
  const config = loadConfig({
    S3_BUCKET: 'pixell-test',
    S3_ENDPOINT: s3.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
  });
  const storage = createStorageAdapter(config, silent) as S3Storage;
  await storage.client.send(new CreateBucketCommand({ Bucket: 'pixell-test' }));
  return {
    storage,
    async everything() {
      const res = await storage.client.send(new ListObjectsV2Command({ Bucket: 'pixell-test' }));
      return (res.Contents ?? []).map((o) => o.Key ?? '').sort();
    },
    async close() {
      storage.close();
      await s3.close();
    },
  };
}

const setups = { local: localSetup, s3: s3Setup };

describe.each(['local', 's3'] as const)('%s storage', (kind) => {
  let setup: Setup;
  let storage: StorageAdapter;
  beforeAll(async () => {
    setup = await setups[kind]();
    storage = setup.storage;
  });
  afterAll(async () => {
    await setup?.close();
  });

  it('is the implementation the configuration asks for and is healthy', async () => {
    expect(storage.kind).toBe(kind);
    await expect(storage.check()).resolves.toBeUndefined();
  });

  it('puts, heads, gets and deletes an object', async () => {
    const key = 'orgs/o1/apps/a1/packages/p1.apkg';
    const put = await storage.put(key, patternedBody(1000, 1), { contentType: 'application/zip' });
    expect(put).toEqual({ key, ...expectedDigest(1000, 1) });
    expect(await storage.head(key)).toEqual({ size: 1000 });
    expect(await digestStream(await storage.get(key))).toEqual(expectedDigest(1000, 1));

    await storage.delete(key);
    expect(await storage.head(key)).toBeNull();
    await expect(storage.delete(key)).resolves.toBeUndefined(); // idempotent
  });

  it('hashes and sizes a multi-MiB body while streaming it (multipart on S3)', async () => {
    const size = 2 * S3_PART_SIZE + 4 * MiB + 12_345; // three parts of 8 MiB, 8 MiB, 4 MiB + 12345
    const key = 'orgs/o1/apps/a1/packages/big.apkg';
    const expected = expectedDigest(size, 42);
    const put = await storage.put(key, patternedBody(size, 42), { maxBytes: 100 * MiB });
    expect(put).toEqual({ key, ...expected });
    expect(await storage.head(key)).toEqual({ size });
    expect(await digestStream(await storage.get(key))).toEqual(expected);

    // A range across the first part boundary returns exactly those bytes.
    const start = S3_PART_SIZE - 10;
    const end = S3_PART_SIZE + 9;
    expect(await readSmall(await storage.get(key, { start, end }))).toEqual(expectedSlice(size, 42, start, end));
    // A range reaching past the end is clamped; one starting past the end is refused.
    expect(await readSmall(await storage.get(key, { start: size - 5, end: size + 100 }))).toEqual(expectedSlice(size, 42, size - 5, size - 1));
    await expect(storage.get(key, { start: size + 1, end: size + 10 })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await storage.delete(key);
  });

  it('reports a missing object as NOT_FOUND on get and null on head', async () => {
    const err = await storage.get('orgs/o1/missing.bin').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('NOT_FOUND');
    expect(await storage.head('orgs/o1/missing.bin')).toBeNull();
  });

  it('aborts a body over maxBytes with ObjectTooLargeError and leaves nothing behind', async () => {
    const before = await setup.everything();
    for (const size of [1 * MiB, S3_PART_SIZE * 2 + 1]) {
      const key = `orgs/o1/apps/a1/packages/too-big-${size}.apkg`;
      const err = await storage.put(key, patternedBody(size, 7), { maxBytes: size - 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ObjectTooLargeError);
      expect((err as AppError).code).toBe('PAYLOAD_TOO_LARGE');
      expect(await storage.head(key)).toBeNull();
    }
    expect(await setup.everything()).toEqual(before);
  });

  it('accepts a body of exactly maxBytes', async () => {
    const key = 'orgs/o1/exact.bin';
    const put = await storage.put(key, patternedBody(4096, 3), { maxBytes: 4096 });
    expect(put.size).toBe(4096);
    await storage.delete(key);
  });

  it('leaves nothing behind and keeps the previous object when the body fails midway', async () => {
    const key = 'orgs/o1/apps/a1/packages/replaced.apkg';
    await storage.put(key, patternedBody(2048, 5));
    const before = await setup.everything();
    const err = await storage.put(key, failingBody(S3_PART_SIZE + MiB, 6)).catch((e: unknown) => e);
    expect((err as Error).message).toBe('client went away');
    expect(await setup.everything()).toEqual(before);
    expect(await digestStream(await storage.get(key))).toEqual(expectedDigest(2048, 5));
    await storage.delete(key);
  });

  it('stages an object, then publishes it on commit', async () => {
    const size = 2 * MiB + 321;
    const key = 'orgs/o1/apps/a1/packages/staged.apkg';
    const staged = await storage.stage(key, patternedBody(size, 21), { maxBytes: 100 * MiB });
    expect({ key: staged.key, size: staged.size, sha256: staged.sha256 }).toEqual({ key, ...expectedDigest(size, 21) });
    if (kind === 'local') {
      // Not published yet: the bytes wait beside the key, readable by whoever checks them.
      expect(await storage.head(key)).toBeNull();
      expect(await digestStream(createReadStream(staged.localPath!))).toEqual(expectedDigest(size, 21));
    }
    await staged.commit();
    expect(await storage.head(key)).toEqual({ size });
    expect(await digestStream(await storage.get(key))).toEqual(expectedDigest(size, 21));
    await storage.delete(key);
    expect(await setup.everything()).not.toContainEqual(expect.stringContaining('staged'));
  });

  it('stages a small object given as bytes in memory, then publishes it on commit', async () => {
    const bytes = Buffer.concat((await patternedBody(5000, 26).toArray()) as Buffer[]);
    const key = 'orgs/o1/apps/a1/packages/staged-bytes.apkg';
    const staged = await storage.stage(key, bytes, { maxBytes: MiB });
    expect({ key: staged.key, size: staged.size, sha256: staged.sha256 }).toEqual({ key, ...expectedDigest(5000, 26) });
    if (kind === 'local') {
      expect(await storage.head(key)).toBeNull();
      expect(await digestStream(createReadStream(staged.localPath!))).toEqual(expectedDigest(5000, 26));
    }
    await staged.commit();
    expect(await digestStream(await storage.get(key))).toEqual(expectedDigest(5000, 26));
    await storage.delete(key);
    expect(await setup.everything()).not.toContainEqual(expect.stringContaining('staged'));
  });

  it('refuses staged bytes over maxBytes and leaves nothing behind; aborting staged bytes leaves nothing either', async () => {
    const before = await setup.everything();
    const key = 'orgs/o1/apps/a1/packages/staged-bytes-refused.apkg';
    const err = await storage.stage(key, Buffer.alloc(1001, 1), { maxBytes: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ObjectTooLargeError);
    await (await storage.stage(key, Buffer.alloc(1000, 2), { maxBytes: 1000 })).abort();
    expect(await storage.head(key)).toBeNull();
    expect(await setup.everything()).toEqual(before);
  });

  it('leaves nothing behind when a staged object is aborted, and keeps a previous object (local)', async () => {
    const before = await setup.everything();
    const key = 'orgs/o1/apps/a1/packages/refused.apkg';
    const staged = await storage.stage(key, patternedBody(MiB + 5, 22));
    await staged.abort();
    await staged.abort(); // idempotent
    expect(await storage.head(key)).toBeNull();
    expect(await setup.everything()).toEqual(before);
    if (kind === 'local') {
      await storage.put(key, patternedBody(100, 23));
      await (await storage.stage(key, patternedBody(200, 24))).abort();
      expect(await digestStream(await storage.get(key))).toEqual(expectedDigest(100, 23));
      await storage.delete(key);
    }
  });

  it('refuses a staged body over maxBytes and leaves nothing behind', async () => {
    const before = await setup.everything();
    const key = 'orgs/o1/apps/a1/packages/staged-too-big.apkg';
    const err = await storage.stage(key, patternedBody(3 * MiB, 25), { maxBytes: 3 * MiB - 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ObjectTooLargeError);
    expect(await storage.head(key)).toBeNull();
    expect(await setup.everything()).toEqual(before);
  });

  it('deletes by prefix, directory-like and partial, and nothing else', async () => {
    const keys = [
      'orgs/o2/apps/a1/packages/p1.apkg',
      'orgs/o2/apps/a1/packages/p2.apkg',
      'orgs/o2/apps/a1/exports/e1.csv',
      'orgs/o2/apps/a2/packages/p1.apkg',
      'orgs/o20/apps/a1/packages/p1.apkg',
    ];
    for (const key of keys) await storage.put(key, patternedBody(10, 9));

    await storage.deletePrefix('orgs/o2/apps/a1/pack');
    expect(await storage.head(keys[0])).toBeNull();
    expect(await storage.head(keys[1])).toBeNull();
    expect(await storage.head(keys[2])).toEqual({ size: 10 });

    await storage.deletePrefix('orgs/o2/');
    for (const key of keys.slice(0, 4)) expect(await storage.head(key)).toBeNull();
    expect(await storage.head(keys[4])).toEqual({ size: 10 }); // orgs/o20 is not under orgs/o2/
    await expect(storage.deletePrefix('orgs/nobody/')).resolves.toBeUndefined();
    await storage.deletePrefix('orgs/o20/');
  });

  it('refuses keys that are not plain relative paths', async () => {
    for (const key of ['', '../escape', 'orgs/../../etc/passwd', '/abs/key', 'a\\b', 'a//b', 'a/./b', 'a/', 'a\u0000b']) {
      const err = await storage.put(key, patternedBody(1, 1)).catch((e: unknown) => e);
      expect((err as AppError).code, key).toBe('VALIDATION_ERROR');
      await expect(storage.head(key), key).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    }
    await expect(storage.deletePrefix('')).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(storage.deletePrefix('../')).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('signs a URL that downloads the exact bytes without a session, as an attachment', async () => {
    const size = 3 * MiB + 17;
    const key = 'orgs/o3/apps/a1/packages/pkg_1.apkg';
    await storage.put(key, patternedBody(size, 11));
    const url = await storage.signedUrl(key, { ttlSeconds: 120, fileName: 'my-agent-1.0.0.apkg' });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="my-agent-1.0.0.apkg"');
    expect(Number(res.headers.get('content-length'))).toBe(size);
    expect(await digestStream(res.body!)).toEqual(expectedDigest(size, 11));

    const named = await fetch(await storage.signedUrl(key, { fileName: 'agent ü 1.0.apkg' }));
    expect(named.headers.get("content-disposition")).toBe(`attachment; filename="agent _ 1.0.apkg"; filename*=UTF-8''agent%20%C3%BC%201.0.apkg`);
    await named.arrayBuffer();
    await storage.delete(key);
  });

  it('describes where an object lives', () => {
    const d = storage.describe('orgs/o1/x.apkg');
    if (kind === 's3') expect(d).toEqual({ bucket: 'pixell-test', key: 'orgs/o1/x.apkg' });
    else expect(d.key).toMatch(/objects\/orgs\/o1\/x\.apkg$/);
  });
});
