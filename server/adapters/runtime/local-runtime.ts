// The embedded runtime (no RUNTIME_URL): installs each deployed package under
// DATA_DIR/runtime/<agentAppId>/<version> and records the live version in current.json.
//
// deploy(): the package is streamed from storage while its size and SHA-256 are checked, into memory
// when it is small (up to 2 MiB by default), else into a private temp file; it is unpacked with yauzl
// (a small package with synchronous writes in time slices of a few ms) into a staging folder (no zip slip, absolute paths or symlinks; inflated bytes counted, 1 GiB at
// most); the install is checked against the list of unpacked entries (agent.yaml, entrypoint module
// or declared surfaces; agent.yaml and .env are kept from the unpacking, not read back); the
// effective environment (deployment env > secrets provider > package .env > base env) is written to
// <install>/.pixell/runtime-env.json (mode 0600); then the staging folder is renamed over the version
// folder, current.json is replaced atomically, and older installs are removed except the previous
// one (rollback). Logs name keys and sources, never values. Running the agent process itself is the
// job of a process supervisor reading these files.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import YAML from 'yaml';
import yauzl from 'yauzl';
import { parseDotenv } from '../../apkg/parse-dotenv.ts';
import { describeZipError, normalizeEntryName, unsafePathReason } from '../../apkg/scan-apkg-archive.ts';
import { AppError } from '../../domain/errors.ts';
import { HashingCounter } from '../storage/hashing-stream.ts';
import { ObjectTooLargeError } from '../storage/storage-adapter.ts';
import type { StorageAdapter } from '../storage/storage-adapter.ts';
import type { RuntimeAdapter, RuntimeDeployRequest, RuntimeDeployResult, RuntimeLog } from './runtime-adapter.ts';
import { errorMessage, RuntimeAbortedError, runtimeAborted } from './runtime-errors.ts';
import { buildEffectiveEnv, describeEnvSources, type EnvSource } from './runtime-env.ts';
import type { SecretsProvider } from './secrets-provider.ts';

export type LocalRuntimeOptions = {
  storage: StorageAdapter;
  dataDir: string;
  /** Lowest-precedence variables for every agent. The server's own process.env is never used. */
  baseEnv?: Record<string, string>;
  secretsProvider?: SecretsProvider;
  /** Limits (apkg-format.md §6); defaults 1 GiB inflated, 10,000 entries. */
  maxInflatedBytes?: number;
  maxEntries?: number;
  /** Packages up to this size are downloaded into memory instead of a temp file (default 2 MiB). */
  maxInMemoryPackageBytes?: number;
};

/** DATA_DIR/runtime/<agentAppId>/current.json */
export type CurrentInstall = {
  version: string;
  deploymentId: string;
  installedAt: string;
  path: string;
  /** Key names and sources of the installed environment (never values). */
  envSources: Record<string, EnvSource>;
  /** The install kept for rollback, if any. */
  previous: { version: string; deploymentId: string; path: string } | null;
};

/** <install>/.pixell/runtime-env.json (mode 0600): what a process supervisor starts the agent with. */
export type RuntimeEnvFile = {
  agentAppId: string;
  deploymentId: string;
  version: string;
  env: Record<string, string>;
  sources: Record<string, EnvSource>;
};

export const RUNTIME_ENV_FILE = path.join('.pixell', 'runtime-env.json');
const CURRENT_FILE = 'current.json';
const DEFAULT_MAX_INFLATED_BYTES = 1024 ** 3;
const DEFAULT_MAX_ENTRIES = 10_000;
const MAX_DOTENV_BYTES = 1024 ** 2;
const MAX_MANIFEST_BYTES = 1024 ** 2;
const DEFAULT_MAX_IN_MEMORY_PACKAGE_BYTES = 2 * 1024 ** 2;
/** Longest run of synchronous file writes while unpacking a package held in memory. */
const SYNC_SLICE_MS = 4;
/** Entries up to this (declared, and enforced) inflated size are written in one call. */
const SMALL_ENTRY_BYTES = 256 * 1024;
/** Entries kept in memory while unpacking, for the install check and the environment. */
const KEPT_ENTRIES: Record<string, number> = { 'agent.yaml': MAX_MANIFEST_BYTES, '.env': MAX_DOTENV_BYTES };
/** Leftovers of crashed deploys (staging/download/trash) older than this are removed. */
const STALE_TEMP_MS = 60 * 60 * 1000;
const TEMP_PREFIXES = ['.staging-', '.download-', '.trash-', '.current-'];
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

export class LocalRuntime implements RuntimeAdapter {
  readonly kind = 'local' as const;
  /** DATA_DIR/runtime */
  readonly rootDir: string;
  readonly #storage: StorageAdapter;
  readonly #baseEnv: Record<string, string>;
  readonly #secretsProvider: SecretsProvider | undefined;
  readonly #maxInflatedBytes: number;
  readonly #maxEntries: number;
  readonly #maxInMemoryPackageBytes: number;
  /** Per app, the turn of the last deploy asked for: deploys of one app publish one after the other (per process). */
  readonly #appLocks = new Map<string, Promise<void>>();

  constructor(options: LocalRuntimeOptions) {
    this.rootDir = path.resolve(options.dataDir, 'runtime');
    this.#storage = options.storage;
    this.#baseEnv = { ...(options.baseEnv ?? {}) };
    this.#secretsProvider = options.secretsProvider;
    this.#maxInflatedBytes = options.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES;
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.#maxInMemoryPackageBytes = options.maxInMemoryPackageBytes ?? DEFAULT_MAX_IN_MEMORY_PACKAGE_BYTES;
  }

  deploy(request: RuntimeDeployRequest, log: RuntimeLog, signal: AbortSignal): Promise<RuntimeDeployResult> {
    // Deploys of one app publish one after the other, in the order they were asked for (per
    // process); downloading and unpacking, each into its own staging folder, run side by side.
    const appId = request.agentAppId;
    const predecessor = this.#appLocks.get(appId) ?? Promise.resolve();
    let release = () => {};
    const done = new Promise<void>((resolve) => (release = resolve));
    const turn = predecessor.then(() => done);
    this.#appLocks.set(appId, turn);
    return this.#deploy(request, log, signal, predecessor).finally(() => {
      release();
      void turn.then(() => {
        if (this.#appLocks.get(appId) === turn) this.#appLocks.delete(appId);
      });
    });
  }

  async check(): Promise<void> {
    await fsp.mkdir(this.rootDir, { recursive: true });
    await fsp.access(this.rootDir, fs.constants.W_OK);
  }

  /** The live install of an app (current.json), or null. */
  async current(agentAppId: string): Promise<CurrentInstall | null> {
    assertSafeSegment(agentAppId, 'agent app id');
    return readCurrent(path.join(this.rootDir, agentAppId));
  }

  /** `myTurn` resolves when the deploys of the app asked for before this one have published (or failed). */
  async #deploy(request: RuntimeDeployRequest, log: RuntimeLog, signal: AbortSignal, myTurn: Promise<void>): Promise<RuntimeDeployResult> {
    const aborted = () => runtimeAborted(signal, 'Deployment to the local runtime');
    if (signal.aborted) throw aborted();
    assertSafeSegment(request.agentAppId, 'agent app id');
    assertSafeSegment(request.version, 'version');
    if (!/^[0-9a-f]{64}$/i.test(request.packageSha256)) throw new Error('Invalid package SHA-256 (expected 64 hex digits)');
    if (!Number.isSafeInteger(request.packageSize) || request.packageSize < 0) throw new Error('Invalid package size');

    const appDir = path.join(this.rootDir, request.agentAppId);
    const installPath = path.join(appDir, request.version);
    const live = await readCurrent(appDir);

    // Idempotent: a second run for a deployment that already went live changes nothing.
    if (live && live.deploymentId === request.deploymentId && live.version === request.version && (await isFile(path.join(installPath, RUNTIME_ENV_FILE)))) {
      log('info', `Already installed by this deployment at ${installPath}`);
      return { location: installPath, envSources: { ...live.envSources } };
    }

    await fsp.mkdir(appDir, { recursive: true, mode: 0o750 });
    await removeTempLeftovers(appDir, fileTag(request.deploymentId));
    const tag = `${fileTag(request.deploymentId)}-${crypto.randomBytes(6).toString('hex')}`;
    const archivePath = path.join(appDir, `.download-${tag}.apkg`);
    const stagingDir = path.join(appDir, `.staging-${tag}`);

    try {
      const archive = await this.#download(request, archivePath, log, signal);
      if (signal.aborted) throw aborted();
      await fsp.mkdir(stagingDir, { mode: 0o750 });
      const tree = await this.#unpack(archive, stagingDir, signal);
      log('info', `Unpacked ${tree.files.size} files (${tree.bytes} bytes)`);
      if (typeof archive === 'string') await fsp.rm(archivePath, { force: true });
      if (signal.aborted) throw aborted();

      const manifest = checkInstall(tree, log);
      log('info', `Manifest: agent ${manifest.name}, ${manifest.summary}`);

      const env = await this.#buildEnv(request, tree, log, signal);
      const envFile: RuntimeEnvFile = {
        agentAppId: request.agentAppId,
        deploymentId: request.deploymentId,
        version: request.version,
        env: env.values,
        sources: env.sources,
      };
      await writePrivateFile(stagingDir, tree, RUNTIME_ENV_FILE, JSON.stringify(envFile, null, 2) + '\n');
      log('info', describeEnvSources(env.sources));
      if (signal.aborted) throw aborted();

      await myTurn;
      if (signal.aborted) throw aborted();
      const before = await readCurrent(appDir);
      // Publish: from here on the deploy completes even if the signal fires (no half-live state).
      await publishDirectory(stagingDir, installPath, path.join(appDir, `.trash-${tag}`));
      const previous = before === null ? null : before.version !== request.version ? { version: before.version, deploymentId: before.deploymentId, path: before.path } : before.previous;
      const current: CurrentInstall = {
        version: request.version,
        deploymentId: request.deploymentId,
        installedAt: new Date().toISOString(),
        path: installPath,
        envSources: env.sources,
        previous,
      };
      await writeFileAtomic(path.join(appDir, CURRENT_FILE), JSON.stringify(current, null, 2) + '\n', path.join(appDir, `.current-${tag}.json`));
      log('info', `Installed ${request.agentAppId} ${request.version} at ${installPath}${request.isUpdate && previous ? ` (previous ${previous.version} kept for rollback)` : ''}`);

      const removed = await removeOldInstalls(appDir, new Set([request.version, ...(previous ? [previous.version] : [])]));
      if (removed.length > 0) log('info', `Removed older installs: ${removed.join(', ')}`);
      return { location: installPath, envSources: { ...env.sources } };
    } catch (err) {
      await Promise.all([fsp.rm(stagingDir, { recursive: true, force: true }), fsp.rm(archivePath, { force: true })]);
      if (signal.aborted && !(err instanceof RuntimeAbortedError)) throw aborted();
      throw err;
    }
  }

  /** Downloads and verifies the package: its bytes when small, else the path of a private temp file. */
  async #download(request: RuntimeDeployRequest, archivePath: string, log: RuntimeLog, signal: AbortSignal): Promise<Buffer | string> {
    log('info', `Downloading package (${request.packageSize} bytes)`);
    let body;
    try {
      body = await this.#storage.get(request.packageKey);
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') throw new Error('Package file not found in storage', { cause: err });
      throw err;
    }
    const verifier = new HashingCounter(request.packageSize);
    const inMemory = request.packageSize <= this.#maxInMemoryPackageBytes;
    const chunks: Buffer[] = [];
    try {
      // At most packageSize bytes get past the verifier, so the in-memory copy is bounded.
      const sink = inMemory
        ? new Writable({
            write(chunk: Buffer, _encoding, callback) {
              chunks.push(chunk);
              callback();
            },
          })
        : fs.createWriteStream(archivePath, { flags: 'wx', mode: 0o600 });
      await pipeline(body, verifier, sink, { signal });
    } catch (err) {
      body.destroy();
      if (err instanceof ObjectTooLargeError) throw new Error(`Package size mismatch: expected ${request.packageSize} bytes, storage returned more`, { cause: err });
      throw err;
    }
    if (verifier.byteCount !== request.packageSize) {
      throw new Error(`Package size mismatch: expected ${request.packageSize} bytes, storage returned ${verifier.byteCount}`);
    }
    const expected = request.packageSha256.toLowerCase();
    if (verifier.sha256 !== expected) {
      throw new Error(`Package checksum mismatch: expected SHA-256 ${expected}, got ${verifier.sha256}`);
    }
    log('info', `Checksum ok (SHA-256 ${expected})`);
    return inMemory ? Buffer.concat(chunks) : archivePath;
  }

  async #unpack(archive: Buffer | string, targetDir: string, signal: AbortSignal): Promise<InstallTree> {
    let zip: yauzl.ZipFile;
    const zipOptions = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: true } as const;
    try {
      zip = typeof archive === 'string' ? await yauzl.openPromise(archive, zipOptions) : await yauzl.fromBufferPromise(archive, zipOptions);
    } catch (err) {
      throw new PackageError(describeZipError(err), { cause: err });
    }
    const tree: InstallTree = { files: new Map(), dirs: new Set(), kept: new Map(), bytes: 0 };
    let entries = 0;
    const counter = { bytes: 0 };
    // A package held in memory (small) is written with synchronous calls in time slices of at most
    // SYNC_SLICE_MS, then the event loop gets its turn: each asynchronous file operation costs a
    // thread-pool round trip, several times the cost of the system call for small files.
    const sliced = typeof archive !== 'string';
    let sliceStart = performance.now();
    const yieldIfSliceOver = async () => {
      if (!sliced || performance.now() - sliceStart < SYNC_SLICE_MS) return;
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    };
    // Folders are created once each (the staging folder is new and only this deploy writes to it).
    const ensureDir = async (relative: string) => {
      if (relative === '' || tree.dirs.has(relative)) return;
      const dir = path.join(targetDir, ...relative.split('/'));
      if (sliced) fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
      else await fsp.mkdir(dir, { recursive: true, mode: 0o755 });
      const parts = relative.split('/');
      for (let i = 1; i <= parts.length; i++) tree.dirs.add(parts.slice(0, i).join('/'));
    };
    try {
      if (zip.entryCount > this.#maxEntries) throw new PackageError(`Package has too many entries: ${zip.entryCount} (the limit is ${this.#maxEntries})`);
      for await (const entry of zip.eachEntry()) {
        await yieldIfSliceOver();
        signal.throwIfAborted();
        if (++entries > this.#maxEntries) throw new PackageError(`Package has too many entries (the limit is ${this.#maxEntries})`);
        const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
        const plainName = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, [], true);
        for (const candidate of new Set([name, plainName])) {
          const problem = unsafePathReason(candidate);
          if (problem) throw new PackageError(`Refusing to unpack unsafe entry ${show(candidate)}: ${problem}`);
        }
        if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) {
          throw new PackageError(`Refusing to unpack symbolic link ${show(name)}: symbolic links are not allowed in packages`);
        }
        const relative = normalizeEntryName(name);
        const isDirectory = name.endsWith('/');
        if (relative === '') continue;
        const target = path.resolve(targetDir, ...relative.split('/'));
        if (!target.startsWith(targetDir + path.sep)) throw new PackageError(`Refusing to unpack unsafe entry ${show(name)}: it resolves outside the install folder`);
        try {
          if (isDirectory) {
            if (tree.files.has(relative)) throw Object.assign(new Error('conflicting entry'), { code: 'EEXIST' });
            await ensureDir(relative);
            continue;
          }
          if (entry.isEncrypted()) throw new PackageError(`Entry ${show(name)} is encrypted: encrypted packages are not supported`);
          if (!entry.canDecodeFileData()) throw new PackageError(`Entry ${show(name)} uses an unsupported compression method (${entry.compressionMethod})`);
          if (tree.dirs.has(relative)) throw Object.assign(new Error('conflicting entry'), { code: 'EISDIR' });
          await ensureDir(relative.includes('/') ? relative.slice(0, relative.lastIndexOf('/')) : '');
          const unixMode = (entry.externalFileAttributes >>> 16) & 0o777;
          const mode = unixMode & 0o111 ? 0o755 : 0o644;
          const before = counter.bytes;
          const keepLimit = KEPT_ENTRIES[relative];
          if (entry.uncompressedSize <= SMALL_ENTRY_BYTES) {
            // Small: inflated in memory (never past the declared size), written in one call.
            const data = typeof archive === 'string' ? await readEntryStream(zip, entry) : await readEntryFromBuffer(zip, archive, entry);
            counter.bytes += data.length;
            if (counter.bytes > this.#maxInflatedBytes) throw tooLarge(this.#maxInflatedBytes);
            if (sliced) fs.writeFileSync(target, data, { flag: 'wx', mode });
            else await writeNewFile(target, data, mode);
            if (keepLimit !== undefined && data.length <= keepLimit) tree.kept.set(relative, data);
          } else {
            const stream = await zip.openReadStreamPromise(entry, {});
            const keep = keepLimit === undefined ? null : new KeepBytes(keepLimit);
            const counting = new InflateCounter(counter, this.#maxInflatedBytes);
            const sink = fs.createWriteStream(target, { flags: 'wx', mode });
            await (keep ? pipeline(stream, counting, keep, sink, { signal }) : pipeline(stream, counting, sink, { signal }));
            const kept = keep?.bytes();
            if (kept) tree.kept.set(relative, kept);
          }
          tree.files.set(relative, counter.bytes - before);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTDIR') {
            throw new PackageError(`Package contains a duplicate or conflicting entry: ${show(name)}`);
          }
          throw err;
        }
      }
    } catch (err) {
      if (signal.aborted || err instanceof PackageError) throw err;
      // yauzl's structural errors carry no errno code; file system errors (ENOSPC…) pass through.
      if ((err as NodeJS.ErrnoException).code === undefined) throw new PackageError(describeZipError(err), { cause: err });
      throw err;
    } finally {
      zip.close();
    }
    tree.bytes = counter.bytes;
    return tree;
  }

  async #buildEnv(request: RuntimeDeployRequest, tree: InstallTree, log: RuntimeLog, signal: AbortSignal) {
    let packageEnv: Record<string, string> = {};
    const dotenv = tree.kept.get('.env');
    if (dotenv) {
      const parsed = parseDotenv(dotenv.toString('utf8'));
      for (const warning of parsed.warnings) log('warn', warning);
      packageEnv = parsed.values;
    } else if (tree.files.has('.env')) log('warn', '.env is larger than 1 MiB; it is ignored');
    else if (tree.dirs.has('.env')) log('warn', '.env is not a regular file; it is ignored');
    else log('warn', 'The package has no .env file');
    let providerEnv: Record<string, string> = {};
    if (this.#secretsProvider) {
      try {
        providerEnv = await this.#secretsProvider.load(signal);
      } catch (err) {
        if (signal.aborted) throw err;
        throw new Error(`Could not load secrets from the ${this.#secretsProvider.kind} secrets provider: ${errorMessage(err)}`, { cause: err });
      }
      log('info', `Secrets provider (${this.#secretsProvider.kind}): ${Object.keys(providerEnv).length} variables`);
    }
    return buildEffectiveEnv({ deployment: request.env, deploymentSources: request.envSources, provider: providerEnv, package: packageEnv, base: this.#baseEnv });
  }
}

// --- install check -------------------------------------------------------------------------------

const MODULE_SUFFIXES = ['.py', '/__init__.py', '.js', '.mjs', '.cjs', '.ts', '/index.js', '.go'];

function checkInstall(tree: InstallTree, log: RuntimeLog): { name: string; summary: string } {
  const manifestSize = tree.files.get('agent.yaml');
  if (manifestSize === undefined) throw new Error('Required file missing: agent.yaml');
  const manifest = tree.kept.get('agent.yaml');
  if (manifestSize > MAX_MANIFEST_BYTES || !manifest) throw new Error('agent.yaml is too large (over 1 MiB)');
  let doc: unknown;
  try {
    doc = YAML.parse(manifest.toString('utf8'));
  } catch (err) {
    throw new Error(`Invalid YAML in agent.yaml: ${errorMessage(err).split('\n')[0]}`, { cause: err });
  }
  if (!isRecord(doc)) throw new Error('agent.yaml must contain a YAML dictionary');
  const name = doc.name;
  if (typeof name !== 'string' || name.trim() === '') throw new Error('agent.yaml: name - Field required');

  // A file or folder of the install, by its path inside it (what was unpacked, not read back).
  const exists = (rel: string) => {
    const key = path.posix.join('.', ...rel.split('/'));
    return tree.files.has(key) || tree.dirs.has(key);
  };
  const moduleFound = (spec: string, surface?: string) => {
    const modulePath = spec.split(':')[0].replace(/\./g, '/');
    const base = modulePath.split('/').pop() ?? modulePath;
    for (const suffix of MODULE_SUFFIXES) {
      if (exists(modulePath + suffix)) return true;
      // pixell-kit copies surface modules under dist/<surface>/
      if (surface && exists(`dist/${surface}/${base}${suffix}`)) return true;
    }
    return false;
  };

  const entrypoint = typeof doc.entrypoint === 'string' && doc.entrypoint.trim() !== '' ? doc.entrypoint.trim() : null;
  if (entrypoint !== null && !moduleFound(entrypoint)) {
    throw new Error(`Entrypoint module not found in package: ${entrypoint.split(':')[0].replace(/\./g, '/')}`);
  }

  const declared: { surface: string; found: boolean }[] = [];
  const rest = isRecord(doc.rest) ? doc.rest : null;
  if (rest) {
    const entry = typeof rest.entry === 'string' ? rest.entry : null;
    // `entry: function` (no module) lives in the entrypoint module.
    declared.push({ surface: 'rest', found: entry === null ? false : entry.includes(':') ? moduleFound(entry, 'rest') : entrypoint !== null });
  }
  const a2a = isRecord(doc.a2a) ? doc.a2a : null;
  if (a2a) {
    const specs = ['service', 'entry', 'http_server'].map((k) => a2a[k]).filter((v): v is string => typeof v === 'string' && v.includes(':'));
    let found = false;
    for (const spec of specs) if (!found && moduleFound(spec, 'a2a')) found = true;
    declared.push({ surface: 'a2a', found });
  }
  const ui = isRecord(doc.ui) ? doc.ui : null;
  if (ui) {
    const uiPath = typeof ui.path === 'string' ? ui.path.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '').replace(/\/+$/, '') : '';
    const safe = uiPath !== '' && unsafePathReason(uiPath) === null;
    declared.push({ surface: 'ui', found: (safe && exists(uiPath)) || exists('dist/ui') });
  }

  if (entrypoint === null) {
    if (declared.length === 0) throw new Error('Entrypoint is required when no surfaces are configured');
    if (!declared.some((d) => d.found)) {
      throw new Error(`None of the declared surfaces were found in the package (${declared.map((d) => d.surface).join(', ')})`);
    }
  }
  for (const d of declared) if (!d.found) log('warn', `Surface ${d.surface} is declared in agent.yaml but its files were not found in the package`);
  const surfaces = declared.filter((d) => d.found).map((d) => d.surface);
  return { name, summary: `entrypoint ${entrypoint ?? '(none)'}, surfaces: ${surfaces.length > 0 ? surfaces.join(', ') : '(none)'}` };
}

// --- files ---------------------------------------------------------------------------------------

/** Moves `staging` to `target`, replacing an existing `target` (kept aside until the move worked). */
async function publishDirectory(staging: string, target: string, trash: string): Promise<void> {
  let movedAside = false;
  try {
    await fsp.rename(target, trash);
    movedAside = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  try {
    await fsp.rename(staging, target);
  } catch (err) {
    if (movedAside) await fsp.rename(trash, target).catch(() => undefined);
    throw err;
  }
  if (movedAside) await fsp.rm(trash, { recursive: true, force: true });
}

/** A small entry through yauzl's stream (checked against its declared size). */
async function readEntryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await zip.openReadStreamPromise(entry, {})) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A small entry of an archive held in memory: its bytes sliced from the buffer (yauzl checks the
 * local header and the bounds) and inflated in one call, with yauzl's size checks: never more than
 * the declared size is produced, and less is an error.
 */
async function readEntryFromBuffer(zip: yauzl.ZipFile, archive: Buffer, entry: yauzl.Entry): Promise<Buffer> {
  const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
  const raw = archive.subarray(fileDataStart, fileDataStart + entry.compressedSize);
  if (entry.compressionMethod === 0) return raw; // stored: yauzl checked compressedSize === uncompressedSize
  const expected = entry.uncompressedSize;
  let data: Buffer;
  try {
    data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, expected) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(`too many bytes in the stream. expected ${expected}. got at least ${expected + 1}`, { cause: err });
    }
    throw err;
  }
  if (data.length !== expected) {
    throw new Error(data.length > expected ? `too many bytes in the stream. expected ${expected}. got at least ${data.length}` : `not enough bytes in the stream. expected ${expected}. got only ${data.length}`);
  }
  return data;
}

/** Creates `file` (failing if it exists) with `data`: fs.writeFile's callback form, lighter than a FileHandle. */
function writeNewFile(file: string, data: Buffer, mode: number): Promise<void> {
  return new Promise((resolve, reject) => fs.writeFile(file, data, { flag: 'wx', mode }, (err) => (err ? reject(err) : resolve())));
}

async function writeFileAtomic(file: string, content: string, temp: string): Promise<void> {
  try {
    await fsp.writeFile(temp, content, { flag: 'wx', mode: 0o644, flush: true });
    await fsp.rename(temp, file);
  } catch (err) {
    await fsp.rm(temp, { force: true });
    throw err;
  }
}

/** Written fresh with mode 0600 into the unpacked `tree` (a file of that name shipped in the package is replaced). */
async function writePrivateFile(dir: string, tree: InstallTree, relative: string, content: string): Promise<void> {
  const file = path.join(dir, relative);
  const parent = path.posix.dirname(relative.split(path.sep).join('/'));
  if (!tree.dirs.has(parent)) await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  if (tree.files.has(relative) || tree.dirs.has(relative)) await fsp.rm(file, { recursive: true, force: true });
  await fsp.writeFile(file, content, { flag: 'wx', mode: 0o600 });
  await fsp.chmod(file, 0o600);
}

async function readCurrent(appDir: string): Promise<CurrentInstall | null> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(appDir, CURRENT_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as CurrentInstall;
    if (typeof parsed.version !== 'string' || typeof parsed.deploymentId !== 'string') return null;
    return { ...parsed, envSources: parsed.envSources ?? {}, previous: parsed.previous ?? null };
  } catch {
    return null;
  }
}

/** Removes version folders other than `keep`; returns the removed versions. */
async function removeOldInstalls(appDir: string, keep: Set<string>): Promise<string[]> {
  const removed: string[] = [];
  const now = Date.now();
  for (const entry of await fsp.readdir(appDir, { withFileTypes: true })) {
    const full = path.join(appDir, entry.name);
    if (TEMP_PREFIXES.some((p) => entry.name.startsWith(p))) {
      // Another deploy's temp files: only when clearly abandoned.
      const stat = await fsp.lstat(full).catch(() => null);
      if (stat && now - stat.mtimeMs > STALE_TEMP_MS) await fsp.rm(full, { recursive: true, force: true });
      continue;
    }
    if (!entry.isDirectory() || entry.name.startsWith('.') || keep.has(entry.name)) continue;
    await fsp.rm(full, { recursive: true, force: true });
    removed.push(entry.name);
  }
  return removed.sort();
}

/** Temp files of earlier (crashed or aborted) attempts of the same deployment. */
async function removeTempLeftovers(appDir: string, deploymentTag: string): Promise<void> {
  for (const name of await fsp.readdir(appDir)) {
    if (TEMP_PREFIXES.some((p) => name.startsWith(`${p}${deploymentTag}-`))) {
      await fsp.rm(path.join(appDir, name), { recursive: true, force: true });
    }
  }
}

async function isFile(file: string): Promise<boolean> {
  const stat = await fsp.lstat(file).catch(() => null);
  return stat?.isFile() ?? false;
}

function assertSafeSegment(value: string, what: string): void {
  if (typeof value !== 'string' || !SAFE_SEGMENT.test(value) || value.includes('..')) {
    throw new Error(`Invalid ${what} for the local runtime: ${JSON.stringify(String(value).slice(0, 80))}`);
  }
}

function fileTag(deploymentId: string): string {
  return deploymentId.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(name: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${printable.length > 200 ? printable.slice(0, 200) + '…' : printable}"`;
}

// --- streams -------------------------------------------------------------------------------------


/** What was unpacked: files (relative path → inflated size), folders, and the entries kept in memory. */
type InstallTree = { files: Map<string, number>; dirs: Set<string>; kept: Map<string, Buffer>; bytes: number };

/** A problem with the package itself (the message says what is wrong with it). */
class PackageError extends Error {}

function tooLarge(limit: number): PackageError {
  return new PackageError(`Package inflates to more than ${limit} bytes (the limit); refusing to unpack it`);
}

/** Passes bytes through and keeps a copy of them while they stay within `limit`. */
class KeepBytes extends Transform {
  readonly #limit: number;
  #chunks: Buffer[] | null = [];
  #size = 0;

  constructor(limit: number) {
    super();
    this.#limit = limit;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#size += chunk.length;
    if (this.#size > this.#limit) this.#chunks = null;
    else this.#chunks?.push(chunk);
    callback(null, chunk);
  }

  /** The bytes, or null past the limit. */
  bytes(): Buffer | null {
    return this.#chunks ? Buffer.concat(this.#chunks) : null;
  }
}

/** Counts inflated bytes across all entries (headers can lie) and stops past the limit. */
class InflateCounter extends Transform {
  readonly #total: { bytes: number };
  readonly #limit: number;

  constructor(total: { bytes: number }, limit: number) {
    super();
    this.#total = total;
    this.#limit = limit;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#total.bytes += chunk.length;
    if (this.#total.bytes > this.#limit) {
      callback(tooLarge(this.#limit));
      return;
    }
    callback(null, chunk);
  }
}
