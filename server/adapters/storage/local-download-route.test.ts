// The signed local download route: exact bytes with attachment headers for a valid link; 403 for a
// tampered, incomplete or expired one; 404 for a deleted object; ranges; the secret's lifecycle.
import fs from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../config.ts';
import { createDownloadUrlSigner, resolveDownloadUrlSecret } from './download-url-signer.ts';
import { createStorageAdapter } from './index.ts';
import { localDownloadRoutes } from './local-download-route.ts';
import type { StorageAdapter } from './storage-adapter.ts';
import { digestStream, expectedDigest, expectedSlice, patternedBody, startDownloadApp, tempDir } from './storage-test-support.ts';

const silent = pino({ level: 'silent' });
const KEY = 'orgs/o1/apps/a1/packages/pkg_abc.apkg';
const SIZE = 256 * 1024 + 3;

let dataDir: string;
let app: Awaited<ReturnType<typeof startDownloadApp>>;
let config: Config;
let storage: StorageAdapter;

beforeAll(async () => {
  dataDir = await tempDir('download-route');
  app = await startDownloadApp();
  config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: app.url });
  storage = createStorageAdapter(config, silent);
  app.mount(localDownloadRoutes(storage, config));
  await storage.put(KEY, patternedBody(SIZE, 21));
});

afterAll(async () => {
  await app?.close();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

function withParam(url: string, name: string, value: string | null): string {
  const u = new URL(url);
  if (value === null) u.searchParams.delete(name);
  else u.searchParams.set(name, value);
  return u.toString();
}

async function expectForbidden(url: string, message = 'Invalid download link') {
  const res = await fetch(url);
  expect(res.status).toBe(403);
  expect(await res.json()).toEqual({ error: message, code: 'FORBIDDEN' });
}

describe('GET /api/storage/download', () => {
  it('streams the exact bytes as an attachment named after the key by default', async () => {
    const url = await storage.signedUrl(KEY);
    expect(url.startsWith(`${app.url}/api/storage/download?key=`)).toBe(true);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-length')).toBe(String(SIZE));
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="pkg_abc.apkg"');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(await digestStream(res.body!)).toEqual(expectedDigest(SIZE, 21));
  });

  it('offers a safe file name, with filename* for non-ASCII names', async () => {
    const res = await fetch(await storage.signedUrl(KEY, { fileName: 'résumé "v1".apkg' }));
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="r_sum_ _v1_.apkg"; filename*=UTF-8''r%C3%A9sum%C3%A9%20_v1_.apkg`,
    );
    await res.arrayBuffer();
    const sneaky = await fetch(await storage.signedUrl(KEY, { fileName: '../../etc/passwd' }));
    expect(sneaky.headers.get('content-disposition')).toBe('attachment; filename="passwd"');
    await sneaky.arrayBuffer();
  });

  it('rejects a tampered signature, key, expiry or file name with 403', async () => {
    const url = await storage.signedUrl(KEY, { fileName: 'agent.apkg' });
    const sig = new URL(url).searchParams.get('sig')!;
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    await expectForbidden(withParam(url, 'sig', flipped));
    await expectForbidden(withParam(url, 'sig', sig.slice(0, -2)));
    await expectForbidden(withParam(url, 'key', 'orgs/o2/apps/a9/packages/other.apkg'));
    await expectForbidden(withParam(url, 'expires', String(Number(new URL(url).searchParams.get('expires')) + 3600)));
    await expectForbidden(withParam(url, 'name', 'other.exe'));
    await expectForbidden(withParam(url, 'name', null));
    await expectForbidden(withParam(url, 'sig', null));
    await expectForbidden(`${url}&sig=${sig}`); // repeated parameter
    await expectForbidden(`${app.url}/api/storage/download`);
  });

  it('rejects a link signed with another secret', async () => {
    const other = createDownloadUrlSigner({ publicUrl: app.url, secret: 'x'.repeat(40), defaultTtlSeconds: 60 });
    await expectForbidden(other.sign(KEY));
  });

  it('rejects an expired link with 403', async () => {
    const twoHoursAgo = () => Date.now() - 2 * 3600 * 1000;
    const signer = createDownloadUrlSigner({ publicUrl: app.url, secret: resolveDownloadUrlSecret(config), defaultTtlSeconds: 60, now: twoHoursAgo });
    await expectForbidden(signer.sign(KEY), 'This download link has expired');
    // The same signer with a lifetime reaching past now is accepted: only the expiry differed.
    const res = await fetch(signer.sign(KEY, { ttlSeconds: 3 * 3600 }));
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });

  it('answers 404 when the object is gone', async () => {
    const key = 'orgs/o1/apps/a1/packages/gone.apkg';
    await storage.put(key, patternedBody(10, 1));
    const url = await storage.signedUrl(key);
    await storage.delete(key);
    const res = await fetch(url);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('serves a single byte range with 206 and ignores unsatisfiable ones', async () => {
    const url = await storage.signedUrl(KEY);
    const res = await fetch(url, { headers: { Range: 'bytes=1000-1999' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 1000-1999/${SIZE}`);
    expect(res.headers.get('content-length')).toBe('1000');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(expectedSlice(SIZE, 21, 1000, 1999));

    const tail = await fetch(url, { headers: { Range: 'bytes=-10' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(expectedSlice(SIZE, 21, SIZE - 10, SIZE - 1));

    const beyond = await fetch(url, { headers: { Range: `bytes=${SIZE + 5}-` } });
    expect(beyond.status).toBe(200);
    expect(beyond.headers.get('content-length')).toBe(String(SIZE));
    await beyond.arrayBuffer();
  });

  it('is 404 when storage is S3 (downloads use presigned S3 URLs)', async () => {
    const s3App = await startDownloadApp();
    try {
      s3App.mount(localDownloadRoutes({ kind: 's3' } as StorageAdapter, config));
      const res = await fetch(`${s3App.url}/api/storage/download?key=a&expires=1&sig=x`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await s3App.close();
    }
  });
});

describe('download URL secret', () => {
  it('is generated once into DATA_DIR/secrets with mode 0600 and reused', async () => {
    const file = path.join(dataDir, 'secrets', 'download-url.key');
    const stat = await fs.stat(file);
    expect(stat.mode & 0o777).toBe(0o600);
    const first = resolveDownloadUrlSecret(config);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(resolveDownloadUrlSecret(loadConfig({ DATA_DIR: dataDir }))).toBe(first);
    // A storage built again (a restart) signs links the running route accepts.
    const restarted = createStorageAdapter(loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: app.url }), silent);
    const res = await fetch(await restarted.signedUrl(KEY));
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });

  it('comes from DOWNLOAD_URL_SECRET when set, without touching the disk', async () => {
    const dir = await tempDir('download-secret');
    try {
      const secret = 's'.repeat(32);
      expect(resolveDownloadUrlSecret(loadConfig({ DATA_DIR: dir, DOWNLOAD_URL_SECRET: secret }))).toBe(secret);
      await expect(fs.stat(path.join(dir, 'secrets'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
