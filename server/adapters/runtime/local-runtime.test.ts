// The embedded runtime against real local storage (temp DATA_DIR) with packages built by the APKG
// test helper: install, current.json and rollback retention, env precedence without leaking values,
// checksum/size mismatch, zip slip and symlinks, abort with cleanup, idempotency per deployment.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApkg, type BuildApkgOptions } from '../../apkg/testing/build-apkg.ts';
import { loadConfig } from '../../config.ts';
import { createStorageAdapter } from '../storage/index.ts';
import type { StorageAdapter } from '../storage/storage-adapter.ts';
import { LocalRuntime, RUNTIME_ENV_FILE, type CurrentInstall, type RuntimeEnvFile } from './local-runtime.ts';
import type { RuntimeDeployRequest, RuntimeLog } from './runtime-adapter.ts';
import { createStaticSecretsProvider } from './secrets-provider.ts';

const silent = pino({ level: 'silent' });
const APP = 'app_local1';

let dataDir: string;
let storage: StorageAdapter;
let packageCounter = 0;

beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pixell-local-runtime-'));
  storage = createStorageAdapter(loadConfig({ DATA_DIR: dataDir, DOWNLOAD_URL_SECRET: 'x'.repeat(40) }), silent);
});

afterEach(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

type LogLine = { level: string; message: string };

function collector(): { log: RuntimeLog; lines: LogLine[] } {
  const lines: LogLine[] = [];
  return { lines, log: (level, message) => lines.push({ level, message }) };
}

/** Builds an APKG, stores it, and returns a deploy request for it. */
async function storedPackage(opts: BuildApkgOptions & { deploymentId?: string; env?: string | null; requestEnv?: Record<string, string> } = {}): Promise<RuntimeDeployRequest> {
  const bytes = await buildApkg(opts);
  const key = `orgs/org_1/apps/${APP}/packages/pkg_${++packageCounter}.apkg`;
  const put = await storage.put(key, Readable.from([bytes]));
  return {
    deploymentId: opts.deploymentId ?? `dep_${packageCounter}`,
    agentAppId: APP,
    orgId: 'org_1',
    version: opts.version ?? '1.0.0',
    packageKey: key,
    packageUrl: await storage.signedUrl(key),
    packageSha256: put.sha256,
    packageSize: put.size,
    env: opts.requestEnv ?? {},
    isUpdate: false,
  };
}

const appDir = () => path.join(dataDir, 'runtime', APP);
const readJson = async <T>(file: string): Promise<T> => JSON.parse(await fs.readFile(file, 'utf8')) as T;
const listApp = async () => (await fs.readdir(appDir()).catch(() => [] as string[])).sort();
const signal = () => new AbortController().signal;

describe('LocalRuntime.deploy', () => {
  it('installs the package, records current.json and applies the env precedence without logging values', async () => {
    const runtime = new LocalRuntime({
      storage,
      dataDir,
      baseEnv: { ONLY_BASE: 'base-value-d41', PKG_OVER_BASE: 'base-value-e52', ALL_LAYERS: 'base-value-f63' },
      secretsProvider: createStaticSecretsProvider({ PROVIDER_OVER_PKG: 'provider-value-a17', ALL_LAYERS: 'provider-value-b28' }),
    });
    const request = await storedPackage({
      env: [
        '# placeholders',
        'PKG_ONLY=package-value-c39',
        'PKG_OVER_BASE=package-value-g74',
        'PROVIDER_OVER_PKG=package-value-h85',
        'ALL_LAYERS=package-value-i96',
        '',
      ].join('\n'),
      requestEnv: { ALL_LAYERS: 'deployment-value-j07', DEPLOY_ONLY: 'deployment-value-k18' },
    });
    const { log, lines } = collector();

    const result = await runtime.deploy(request, log, signal());

    const installPath = path.join(appDir(), '1.0.0');
    expect(result.location).toBe(installPath);
    expect(result.envSources).toEqual({
      ALL_LAYERS: 'deployment',
      DEPLOY_ONLY: 'deployment',
      ONLY_BASE: 'base',
      PKG_ONLY: 'package',
      PKG_OVER_BASE: 'package',
      PROVIDER_OVER_PKG: 'provider',
    });

    // The package files are unpacked as they were.
    expect(await fs.readFile(path.join(installPath, 'src/main.py'), 'utf8')).toContain('def handler');
    expect(await fs.readFile(path.join(installPath, 'agent.yaml'), 'utf8')).toContain('name: test-agent');

    // The effective environment, private to the owner.
    const envPath = path.join(installPath, RUNTIME_ENV_FILE);
    const envFile = await readJson<RuntimeEnvFile>(envPath);
    expect(envFile.env).toEqual({
      ALL_LAYERS: 'deployment-value-j07',
      DEPLOY_ONLY: 'deployment-value-k18',
      ONLY_BASE: 'base-value-d41',
      PKG_ONLY: 'package-value-c39',
      PKG_OVER_BASE: 'package-value-g74',
      PROVIDER_OVER_PKG: 'provider-value-a17',
    });
    expect(envFile.sources).toEqual(result.envSources);
    expect(envFile.deploymentId).toBe(request.deploymentId);
    expect((await fs.stat(envPath)).mode & 0o777).toBe(0o600);

    const current = await readJson<CurrentInstall>(path.join(appDir(), 'current.json'));
    expect(current).toMatchObject({ version: '1.0.0', deploymentId: request.deploymentId, path: installPath, previous: null });
    expect(Number.isNaN(Date.parse(current.installedAt))).toBe(false);
    expect(await runtime.current(APP)).toEqual(current);

    // One line per phase; key names and sources are logged, values never.
    const messages = lines.map((l) => l.message);
    expect(messages.some((m) => m === `Downloading package (${request.packageSize} bytes)`)).toBe(true);
    expect(messages.some((m) => m === `Checksum ok (SHA-256 ${request.packageSha256})`)).toBe(true);
    expect(messages.some((m) => /^Unpacked \d+ files \(\d+ bytes\)$/.test(m))).toBe(true);
    const envLine = messages.find((m) => m.startsWith('Environment'));
    expect(envLine).toContain('ALL_LAYERS (deployment)');
    expect(envLine).toContain('PROVIDER_OVER_PKG (provider)');
    expect(envLine).toContain('PKG_ONLY (package)');
    expect(envLine).toContain('ONLY_BASE (base)');
    const allText = JSON.stringify(lines);
    for (const value of [...Object.values(envFile.env), 'provider-value-b28', 'package-value-h85', 'package-value-i96', 'base-value-e52', 'base-value-f63']) {
      expect(allText).not.toContain(value);
    }
    // Nothing temporary is left behind.
    expect(await listApp()).toEqual(['1.0.0', 'current.json']);
  });

  it('installs a large package through a temp file and streams large entries, with the same result', async () => {
    const runtime = new LocalRuntime({ storage, dataDir, maxInMemoryPackageBytes: 0 });
    const bigEnv = `BIG=${'x'.repeat(300 * 1024)}\nSMALL=package-value\n`;
    const request = await storedPackage({ env: bigEnv, entries: [{ name: 'data/zeros.bin', zeros: 512 * 1024 }] });
    const { log, lines } = collector();

    const result = await runtime.deploy(request, log, signal());

    const installPath = path.join(appDir(), '1.0.0');
    expect((await fs.stat(path.join(installPath, 'data/zeros.bin'))).size).toBe(512 * 1024);
    expect(await fs.readFile(path.join(installPath, '.env'), 'utf8')).toBe(bigEnv);
    // The .env of more than 256 KiB was kept while it streamed to disk, and read.
    expect(result.envSources).toMatchObject({ BIG: 'package', SMALL: 'package' });
    expect(lines.map((l) => l.message).some((m) => /^Unpacked \d+ files \(\d+ bytes\)$/.test(m))).toBe(true);
    expect(await listApp()).toEqual(['1.0.0', 'current.json']);
  });

  it('ignores a .env over 1 MiB and refuses conflicting entries', async () => {
    const runtime = new LocalRuntime({ storage, dataDir });
    const { log, lines } = collector();
    const result = await runtime.deploy(await storedPackage({ env: `HUGE=${'y'.repeat(1024 * 1024)}\n` }), log, signal());
    expect(lines).toContainEqual({ level: 'warn', message: '.env is larger than 1 MiB; it is ignored' });
    expect(result.envSources).not.toHaveProperty('HUGE');

    for (const entries of [[{ name: 'agent.yaml/', directory: true }], [{ name: 'src/main.py/inner.txt', content: 'x' }], [{ name: 'README.md', content: 'again' }]]) {
      await expect(runtime.deploy(await storedPackage({ version: '2.0.0', entries }), collector().log, signal())).rejects.toThrow(
        /^Package contains a duplicate or conflicting entry: /,
      );
    }
    expect(await listApp()).toEqual(['1.0.0', 'current.json']);
  });

  it('keeps the previous install for rollback and removes older ones', async () => {
    const runtime = new LocalRuntime({ storage, dataDir });
    const first = await storedPackage({ version: '1.0.0' });
    const second = { ...(await storedPackage({ version: '1.1.0' })), isUpdate: true };
    const third = { ...(await storedPackage({ version: '1.2.0' })), isUpdate: true };

    await runtime.deploy(first, collector().log, signal());
    await runtime.deploy(second, collector().log, signal());
    expect(await listApp()).toEqual(['1.0.0', '1.1.0', 'current.json']);

    const { log, lines } = collector();
    await runtime.deploy(third, log, signal());
    expect(await listApp()).toEqual(['1.1.0', '1.2.0', 'current.json']);
    const current = await runtime.current(APP);
    expect(current).toMatchObject({
      version: '1.2.0',
      deploymentId: third.deploymentId,
      previous: { version: '1.1.0', deploymentId: second.deploymentId, path: path.join(appDir(), '1.1.0') },
    });
    expect(lines.map((l) => l.message)).toContain('Removed older installs: 1.0.0');
  });

  it('replaces an install of the same version atomically and keeps the earlier previous version', async () => {
    const runtime = new LocalRuntime({ storage, dataDir });
    await runtime.deploy(await storedPackage({ version: '1.0.0' }), collector().log, signal());
    await runtime.deploy(await storedPackage({ version: '2.0.0' }), collector().log, signal());
    const redeploy = await storedPackage({ version: '2.0.0', files: { 'src/main.py': 'def handler(context):\n    return {"v": 2}\n' } });

    await runtime.deploy(redeploy, collector().log, signal());

    expect(await fs.readFile(path.join(appDir(), '2.0.0', 'src/main.py'), 'utf8')).toContain('"v": 2');
    expect(await runtime.current(APP)).toMatchObject({ version: '2.0.0', deploymentId: redeploy.deploymentId, previous: { version: '1.0.0' } });
    expect(await listApp()).toEqual(['1.0.0', '2.0.0', 'current.json']);
  });

  it('is idempotent for one deploymentId', async () => {
    let gets = 0;
    const counting: StorageAdapter = Object.assign(Object.create(storage) as StorageAdapter, {
      get: (...args: Parameters<StorageAdapter['get']>) => {
        gets++;
        return storage.get(...args);
      },
    });
    const runtime = new LocalRuntime({ storage: counting, dataDir });
    const request = await storedPackage({ requestEnv: { API_KEY: 'deployment-secret-123' } });

    const first = await runtime.deploy(request, collector().log, signal());
    const before = await runtime.current(APP);
    const { log, lines } = collector();
    const second = await runtime.deploy(request, log, signal());

    expect(second).toEqual(first);
    expect(gets).toBe(1);
    expect(await runtime.current(APP)).toEqual(before);
    expect(lines.map((l) => l.message)).toEqual([`Already installed by this deployment at ${first.location}`]);
  });

  it('publishes concurrent deploys of one app in the order they were asked for, even when the first one takes longer', async () => {
    const runtime = new LocalRuntime({ storage, dataDir });
    // The first package is big (streamed through a temp file, a 3 MiB entry): it unpacks far slower
    // than the second, which must still not go live before it.
    const a = await storedPackage({ version: '1.0.0', files: { 'assets/big.bin': randomBytes(3 * 1024 * 1024) } });
    const b = { ...(await storedPackage({ version: '1.1.0' })), isUpdate: true };
    await Promise.all([runtime.deploy(a, collector().log, signal()), runtime.deploy(b, collector().log, signal())]);
    expect(await runtime.current(APP)).toMatchObject({ version: '1.1.0', previous: { version: '1.0.0' } });
    expect(await listApp()).toEqual(['1.0.0', '1.1.0', 'current.json']);
  });

  it('rejects a checksum mismatch and leaves nothing behind', async () => {
    const runtime = new LocalRuntime({ storage, dataDir });
    const request = { ...(await storedPackage()), packageSha256: 'ab'.repeat(32) };
    await expect(runtime.deploy(request, collector().log, signal())).rejects.toThrow(
      /^Package checksum mismatch: expected SHA-256 (ab){32}, got [0-9a-f]{64}$/,
    );
    expect(await listApp()).toEqual([]);
    expect(await runtime.current(APP)).toBeNull();
  });

  it('rejects a size mismatch while streaming', async () => {
    const runtime = new LocalRuntime({ storage, dataDir });
    const request = await storedPackage();
    await expect(runtime.deploy({ ...request, packageSize: request.packageSize - 10 }, collector().log, signal())).rejects.toThrow(
      /Package size mismatch: expected \d+ bytes, storage returned more/,
    );
    await expect(runtime.deploy({ ...request, packageSize: request.packageSize + 10 }, collector().log, signal())).rejects.toThrow(
      `Package size mismatch: expected ${request.packageSize + 10} bytes, storage returned ${request.packageSize}`,
    );
    expect(await listApp()).toEqual([]);
  });

  it.each([
    ['a parent-directory entry', { name: '../escaped.txt', content: 'x' }, /Refusing to unpack unsafe entry "\.\.\/escaped\.txt": "\.\." segments/],
    ['a nested parent-directory entry', { name: 'src/../../escaped.txt', content: 'x' }, /Refusing to unpack unsafe entry/],
    ['an absolute path', { name: '/tmp/escaped.txt', content: 'x' }, /Refusing to unpack unsafe entry "\/tmp\/escaped\.txt": absolute paths/],
    ['a backslash path', { name: '..\\escaped.txt', content: 'x' }, /Refusing to unpack unsafe entry .*backslashes/],
    ['a symbolic link', { name: 'src/link', symlinkTarget: '/etc/passwd' }, /Refusing to unpack symbolic link "src\/link"/],
  ])('refuses %s and cleans up', async (_label, entry, message) => {
    const runtime = new LocalRuntime({ storage, dataDir });
    const request = await storedPackage({ entries: [entry] });
    await expect(runtime.deploy(request, collector().log, signal())).rejects.toThrow(message);
    expect(await listApp()).toEqual([]);
    await expect(fs.access(path.join(dataDir, 'runtime', 'escaped.txt'))).rejects.toThrow();
    await expect(fs.access(path.join(dataDir, 'escaped.txt'))).rejects.toThrow();
    await expect(fs.lstat(path.join(appDir(), '1.0.0'))).rejects.toThrow();
  });

  it.each([
    ['in memory', {}],
    ['through a temp file', { maxInMemoryPackageBytes: 0 }],
  ])('refuses entries whose headers lie about their size (%s)', async (_label, options) => {
    const runtime = new LocalRuntime({ storage, dataDir, ...options });
    const content = 'print("hello")\n'.repeat(20);
    for (const [declaredUncompressedSize, message] of [
      [content.length - 10, /^Invalid APKG format: reported size mismatch \(too many bytes in the stream\. expected \d+\. got at least \d+\)$/],
      [content.length + 10, /^Invalid APKG format: reported size mismatch \(not enough bytes in the stream\. expected \d+\. got only \d+\)$/],
    ] as const) {
      const request = await storedPackage({ entries: [{ name: 'src/lies.py', content, declaredUncompressedSize }] });
      await expect(runtime.deploy(request, collector().log, signal())).rejects.toThrow(message);
      expect(await listApp()).toEqual([]);
    }
  });

  it('stops unpacking past the inflated size limit', async () => {
    const runtime = new LocalRuntime({ storage, dataDir, maxInflatedBytes: 64 * 1024 });
    const request = await storedPackage({ entries: [{ name: 'data/zeros.bin', zeros: 1024 * 1024 }] });
    await expect(runtime.deploy(request, collector().log, signal())).rejects.toThrow(/inflates to more than 65536 bytes/);
    expect(await listApp()).toEqual([]);

    // Small entries count toward the same limit.
    const tight = new LocalRuntime({ storage, dataDir, maxInflatedBytes: 1000 });
    await expect(tight.deploy(await storedPackage(), collector().log, signal())).rejects.toThrow(/inflates to more than 1000 bytes/);
    expect(await listApp()).toEqual([]);
  });

  it('checks the install: agent.yaml and the entrypoint module', async () => {
    const runtime = new LocalRuntime({ storage, dataDir });
    await expect(runtime.deploy(await storedPackage({ agentYaml: null }), collector().log, signal())).rejects.toThrow('Required file missing: agent.yaml');
    await expect(
      runtime.deploy(await storedPackage({ files: { 'src/main.py': null } }), collector().log, signal()),
    ).rejects.toThrow('Entrypoint module not found in package: src/main');
    await expect(
      runtime.deploy(await storedPackage({ manifest: { entrypoint: undefined, rest: undefined, a2a: undefined, ui: undefined } }), collector().log, signal()),
    ).rejects.toThrow('Entrypoint is required when no surfaces are configured');
    expect(await listApp()).toEqual([]);

    // pixell-sdk layout: no entrypoint, surfaces at the root and the UI under ui.path.
    const sdk = await runtime.deploy(await storedPackage({ style: 'pixell-sdk' }), collector().log, signal());
    expect(sdk.location).toBe(path.join(appDir(), '1.0.0'));
  });

  it('aborts during the download, rejects with a clear message and cleans up', async () => {
    const controller = new AbortController();
    const request = await storedPackage();
    const slow: StorageAdapter = Object.assign(Object.create(storage) as StorageAdapter, {
      async get() {
        const bytes = await buildApkg();
        let sent = false;
        return new Readable({
          read() {
            if (!sent) {
              sent = true;
              this.push(bytes.subarray(0, 100));
            } else {
              controller.abort('deployment cancelled by the user');
            }
          },
        });
      },
    });
    const runtime = new LocalRuntime({ storage: slow, dataDir });
    await expect(runtime.deploy(request, collector().log, controller.signal)).rejects.toThrow(
      'Deployment to the local runtime was aborted: deployment cancelled by the user',
    );
    expect(await listApp()).toEqual([]);
  });

  it('aborts after unpacking and removes the staging folder', async () => {
    const controller = new AbortController();
    const runtime = new LocalRuntime({ storage, dataDir });
    const request = await storedPackage();
    const log: RuntimeLog = (_level, message) => {
      if (message.startsWith('Unpacked')) controller.abort();
    };
    const failure = await runtime.deploy(request, log, controller.signal).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).name).toBe('AbortError');
    expect((failure as Error).message).toBe('Deployment to the local runtime was aborted');
    expect(await listApp()).toEqual([]);

    // A retry of the same deployment then succeeds.
    const retried = await runtime.deploy(request, collector().log, signal());
    expect(retried.location).toBe(path.join(appDir(), '1.0.0'));
  });

  it('rejects at once when the signal is already aborted', async () => {
    const runtime = new LocalRuntime({ storage, dataDir });
    await expect(runtime.deploy(await storedPackage(), collector().log, AbortSignal.abort())).rejects.toThrow(
      'Deployment to the local runtime was aborted',
    );
  });

  it('refuses unsafe app ids and versions before touching the disk', async () => {
    const runtime = new LocalRuntime({ storage, dataDir });
    const request = await storedPackage();
    await expect(runtime.deploy({ ...request, agentAppId: '../other' }, collector().log, signal())).rejects.toThrow(/Invalid agent app id/);
    await expect(runtime.deploy({ ...request, version: '..' }, collector().log, signal())).rejects.toThrow(/Invalid version/);
  });

  it('check() creates and probes DATA_DIR/runtime', async () => {
    const runtime = new LocalRuntime({ storage, dataDir });
    await runtime.check();
    expect((await fs.stat(path.join(dataDir, 'runtime'))).isDirectory()).toBe(true);
  });
});
