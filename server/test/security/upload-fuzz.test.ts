// Issue 5 §3 — upload fuzzing of POST /api/agent-apps/:id/packages and …/packages/deploy: broken
// archives (empty, truncated, garbage), headers that lie (sizes, CRC, method, entry count, local
// names), zip bombs (ratio, hidden behind a small declared size, entry count), path traversal and
// absolute names, symlinks, and broken multipart bodies (no file part, cut off inside the file or
// the signature, oversize fields, oversize files). Every answer is a 4xx with the error shape, and
// nothing is left behind: no row anywhere (packages, deployments, credits, audit, usage) and no
// stored object. The process never sees an uncaught exception; the server stays healthy.
import crypto from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApkg, type BuildApkgOptions } from '../../apkg/testing/build-apkg.ts';
import type { TestApp } from '../harness.ts';
import { answered, apkgForm, archive, changedTables, expectErrorShape, failedRequestLogs, fingerprint, makeWorld, newApp, send, startSecurityApp, type Fingerprint, type World } from './world.ts';

const MAX_PACKAGE_BYTES = 2 * 1024 * 1024;
const ROUTES = ['/api/agent-apps/:id/packages', '/api/agent-apps/:id/packages/deploy'];

let t: TestApp;
let w: World;
let appId: string;
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => uncaught.push(err);

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  t = await startSecurityApp({ MAX_PACKAGE_BYTES: String(MAX_PACKAGE_BYTES) });
  w = await makeWorld(t);
  appId = await newApp(w, w.a);
});
afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  await t.close();
});

/** Deterministic bytes that are not a zip. */
function garbage(n: number): Buffer {
  const out = Buffer.alloc(n);
  let block = crypto.createHash('sha256').update('garbage').digest();
  for (let i = 0; i < n; i += 32) {
    block.copy(out, i);
    block = crypto.createHash('sha256').update(block).digest();
  }
  return out;
}

const extra = (entries: BuildApkgOptions['entries']): Promise<Buffer> => buildApkg({ entries });

/** Archives that must be refused, by what is wrong with them. */
const ARCHIVES: Array<[string, () => Promise<Buffer>]> = [
  ['a 0-byte file', async () => Buffer.alloc(0)],
  ['a truncated archive (first half)', async () => (await archive()).subarray(0, Math.floor((await archive()).length / 2))],
  ['a truncated archive (last bytes missing)', async () => (await archive()).subarray(0, (await archive()).length - 10)],
  ['only a local header signature', async () => Buffer.from('PK\u0003\u0004garbage')],
  ['garbage bytes', async () => garbage(4096)],
  ['an empty zip', async () => Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)])],
  ['a lying uncompressed size', () => extra([{ name: 'src/lie.py', content: 'x = 1\n'.repeat(2000), declaredUncompressedSize: 10 }])],
  ['a lying compressed size', () => extra([{ name: 'src/lie.py', content: 'y = 2\n'.repeat(2000), declaredCompressedSize: 5 }])],
  ['a lying CRC', () => extra([{ name: 'src/lie.py', content: 'z = 3\n', declaredCrc32: 0x12345678 }])],
  ['a lying compression method (bzip2)', () => extra([{ name: 'src/lie.py', content: 'w = 4\n', declaredCompressionMethod: 12 }])],
  ['a lying entry count', () => buildApkg({ declaredEntryCount: 60_000 })],
  ['a local name that differs from the central one', () => extra([{ name: 'src/aaaa.py', content: 'v = 5\n', localHeaderName: '../aaaaa.py' }])],
  ['a zip bomb (one entry inflating 4,000×)', () => extra([{ name: 'src/bomb.bin', zeros: 16 * 1024 * 1024 }])],
  ['a zip bomb hidden behind a small declared size', () => extra([{ name: 'src/bomb.bin', zeros: 16 * 1024 * 1024, declaredUncompressedSize: 100 }])],
  ['too many entries', () => buildApkg({ fillerEntries: 10_001 })],
  ['path traversal (../)', () => extra([{ name: '../evil.py', content: 'pwn\n' }])],
  ['deep path traversal', () => extra([{ name: 'src/../../../etc/cron.d/evil', content: 'pwn\n' }])],
  ['an absolute path', () => extra([{ name: '/etc/passwd', content: 'root::0:0\n' }])],
  ['a Windows drive path', () => extra([{ name: 'C:/Windows/evil.dll', content: 'MZ' }])],
  ['backslash traversal', () => extra([{ name: 'src\\..\\..\\evil.py', content: 'pwn\n' }])],
  ['a NUL in a name', () => extra([{ name: 'src/a\u0000.py', content: 'pwn\n' }])],
  ['a symlink to /etc/passwd', () => extra([{ name: 'src/passwd', symlinkTarget: '/etc/passwd' }])],
  ['a symlink out of the package', () => extra([{ name: 'src/up', symlinkTarget: '../../..' }])],
  ['a missing agent.yaml', () => buildApkg({ agentYaml: null })],
  ['a missing .env', () => buildApkg({ env: null })],
  ['an agent.yaml that is not YAML', () => buildApkg({ agentYaml: '{{{: [unclosed\n\u0000' })],
  ['a duplicate agent.yaml', () => extra([{ name: 'agent.yaml', content: 'name: other\n' }])],
];

/** Multipart bodies that must be refused: [label, body, content type]. */
function brokenForms(valid: Buffer): Array<[string, BodyInit, string | undefined]> {
  const B = 'SecuritySuiteBoundary';
  const type = `multipart/form-data; boundary=${B}`;
  const part = (name: string, filename?: string) =>
    `--${B}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n${filename ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n`;
  const end = `\r\n--${B}--\r\n`;
  const form = (fields: Record<string, string>, file?: Buffer, fileField = 'file') => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    if (file) f.append(fileField, new Blob([new Uint8Array(file)]), 'agent.apkg');
    return f;
  };
  return [
    ['no file part', form({ version: '1.0.0' }), undefined],
    ['the file under another field name', form({ version: '1.0.0' }, valid, 'upload'), undefined],
    ['a body cut off inside the file', Buffer.concat([Buffer.from(part('file', 'agent.apkg')), valid.subarray(0, 500)]), type],
    ['a body cut off inside the signature', Buffer.concat([Buffer.from(part('signature', 'agent.apkg.sig')), Buffer.from('-----BEGIN PGP')]), type],
    ['a body cut off before any part', Buffer.from(`--${B}\r\nContent-Disposition: form-da`), type],
    ['a boundary that never appears', Buffer.concat([Buffer.from('no boundary here\r\n'), valid]), type],
    ['multipart without a boundary', Buffer.from(part('file', 'a.apkg')), 'multipart/form-data'],
    ['a version field of 300 KB', Buffer.from(`${part('version')}${'9'.repeat(300 * 1024)}${end}`), type],
    ['a signature of 100 KB', Buffer.concat([Buffer.from(part('signature', 'a.sig')), garbage(100 * 1024), Buffer.from(end)]), type],
    [
      'a whole file, then a signature of 100 KB',
      Buffer.concat([Buffer.from(part('file', 'agent.apkg')), valid, Buffer.from(`\r\n${part('signature', 'a.sig')}`), garbage(100 * 1024), Buffer.from(end)]),
      type,
    ],
    [
      'a whole file, then 40 parts',
      Buffer.concat([Buffer.from(part('file', 'agent.apkg')), valid, Buffer.from(`\r\n${Array.from({ length: 40 }, (_, i) => `${part(`f${i}`)}x\r\n`).join('')}--${B}--\r\n`)]),
      type,
    ],
    ['a whole file, then a body cut off', Buffer.concat([Buffer.from(part('file', 'agent.apkg')), valid, Buffer.from(`\r\n${part('version')}1.0`)]), type],
    ['40 parts', Buffer.from(`${Array.from({ length: 40 }, (_, i) => `${part(`f${i}`)}x\r\n`).join('')}--${B}--\r\n`), type],
    ['an environment that is not JSON', form({ version: '1.0.0', environment: '{"A": ' }, valid), undefined],
    ['an environment with a bad name', form({ version: '1.0.0', environment: JSON.stringify({ 'BAD NAME': 'x' }) }, valid), undefined],
    ['an environment with 201 variables', form({ version: '1.0.0', environment: JSON.stringify(Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`V${i}`, 'x']))) }, valid), undefined],
    ['a version that does not match the archive', form({ version: '9.9.9' }, valid), undefined],
    ['a JSON body', JSON.stringify({ file: valid.toString('base64') }), 'application/json'],
    ['a file over the size limit', form({ version: '1.0.0' }, Buffer.concat([valid, garbage(MAX_PACKAGE_BYTES + 1024)])), undefined],
  ];
}

/**
 * What changed since `before`, once the server has finished cleaning up: a refused upload may still
 * be removing its partial object just after the answer (or after a dropped connection), so the
 * comparison is retried for a moment before it counts.
 */
async function changesAfterCleanup(before: Fingerprint): Promise<string[]> {
  let changed = changedTables(before, await fingerprint(t));
  for (let i = 0; i < 100 && changed.length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    changed = changedTables(before, await fingerprint(t));
  }
  return changed;
}

describe('upload fuzzing: broken archives and forms are refused with a 4xx and leave nothing behind', () => {
  for (const route of ROUTES) {
    it(`${route}: archives`, async () => {
      const before = await fingerprint(t);
      const problems: string[] = [];
      for (const [label, make] of ARCHIVES) {
        const res = await send(t, 'POST', route, { params: { id: appId }, form: async () => apkgForm(await make()) }, { bearer: w.a.owner.key });
        if (res.status < 400 || res.status >= 500) problems.push(`${label}: ${res.status} ${res.text.slice(0, 200)}`);
        else {
          expectErrorShape(res);
          if (res.body.code === 'PACKAGE_VALIDATION_FAILED') {
            expect(res.body.details, label).toEqual(expect.arrayContaining([expect.any(String)]));
          }
        }
      }
      expect(problems).toEqual([]);
      expect(await changesAfterCleanup(before)).toEqual([]);
    });

    it(`${route}: broken multipart bodies`, async () => {
      const before = await fingerprint(t);
      const problems: string[] = [];
      for (const [label, body, type] of brokenForms(await archive())) {
        const res = await send(t, 'POST', route, { params: { id: appId } }, { bearer: w.a.owner.key }, { body, headers: type ? { 'content-type': type } : {} });
        if (res.status < 400 || res.status >= 500) problems.push(`${label}: ${res.status} ${res.text.slice(0, 200)}`);
        else expectErrorShape(res);
      }
      expect(problems).toEqual([]);
      expect(await changesAfterCleanup(before)).toEqual([]);
    });
  }

  it('an upload whose connection is dropped half-way leaves nothing behind', async () => {
    const before = await fingerprint(t);
    const file = await archive();
    const B = 'DroppedBoundary';
    const url = new URL(`/api/agent-apps/${appId}/packages/deploy`, t.baseUrl);
    await new Promise<void>((resolve) => {
      const req = http.request(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${w.a.owner.key}`, 'content-type': `multipart/form-data; boundary=${B}`, 'content-length': String(file.length + 1000) },
      });
      req.on('error', () => resolve());
      req.on('response', (res) => (res.resume(), resolve()));
      req.write(`--${B}\r\nContent-Disposition: form-data; name="file"; filename="agent.apkg"\r\n\r\n`);
      req.write(file.subarray(0, 300), () => setImmediate(() => req.destroy()));
    });
    expect(await changesAfterCleanup(before)).toEqual([]);
  });

  it('a file over the size limit whose sender never finishes the body is refused with 413 and leaves nothing behind', async () => {
    const before = await fingerprint(t);
    const B = 'EndlessBoundary';
    const url = new URL(`/api/agent-apps/${appId}/packages/deploy`, t.baseUrl);
    const status = await new Promise<number>((resolve) => {
      const req = http.request(url, { method: 'POST', headers: { authorization: `Bearer ${w.a.owner.key}`, 'content-type': `multipart/form-data; boundary=${B}` } });
      req.on('response', (res) => (res.resume(), resolve(res.statusCode ?? 0)));
      req.on('error', () => resolve(-1));
      req.write(`--${B}\r\nContent-Disposition: form-data; name="file"; filename="agent.apkg"\r\n\r\n`);
      req.write(garbage(MAX_PACKAGE_BYTES + 256 * 1024)); // …and never the closing boundary
    });
    expect(status).toBe(413);
    expect(await changesAfterCleanup(before)).toEqual([]);
  });

  it('a zero-byte file inside a valid package is fine, and a valid package still uploads', async () => {
    const withEmpty = await buildApkg({ version: '1.0.1', entries: [{ name: 'src/empty.py', content: '' }] });
    const res = await send(t, 'POST', ROUTES[0], { params: { id: appId }, form: async () => apkgForm(withEmpty) }, { bearer: w.a.owner.key });
    expect(res.status, res.text.slice(0, 200)).toBe(201);
    const ok = await send(t, 'POST', ROUTES[1], { params: { id: appId }, form: async () => apkgForm(await archive()) }, { bearer: w.a.owner.key });
    expect(ok.status, ok.text.slice(0, 200)).toBe(202);
  });

  it('the server stayed healthy: no uncaught exception, no 5xx, no failed request in the logs', async () => {
    expect(uncaught).toEqual([]);
    expect(answered.filter((a) => a.status >= 500)).toEqual([]);
    expect(failedRequestLogs(t)).toEqual([]);
    expect((await t.request('/api/health')).status).toBe(200);
  });
});
