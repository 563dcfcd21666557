// Test helper: builds APKG archives with yazl, shaped like the real builders' output
// (pixell-kit and pixell-sdk, apkg-format.md §1), with knobs to break every validation rule:
// missing or altered files, symlinks, unsafe names (zip slip), many entries, zero-filled zip-bomb
// entries streamed without holding them in memory, and headers that lie (sizes, CRC, names, count).
// Used by the validator's unit tests and by the HTTP / e2e tests of the upload routes.
import { writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import YAML from 'yaml';
import yazl from 'yazl';

export type ApkgStyle = 'pixell-kit' | 'pixell-sdk';

/** An entry added as is, after the package files. */
export interface RawApkgEntry {
  /** The stored name; may be unsafe (`../x`, `/abs`, `a\\b`, `C:/x`): it is written into the headers after building. */
  name: string;
  content?: string | Buffer;
  /** Content of this many zero bytes, streamed (never held in memory). */
  zeros?: number;
  /** A directory entry (the name should end with `/`). */
  directory?: boolean;
  /** Unix mode with file-type bits (default 0o100644, directories 0o040755). */
  mode?: number;
  /** A symbolic link to this target (mode 0o120777, the target as content). */
  symlinkTarget?: string;
  /** Deflate (default) or store. */
  compress?: boolean;
  /** Values to write into the central directory instead of the real ones (lying headers). */
  declaredUncompressedSize?: number;
  declaredCompressedSize?: number;
  declaredCrc32?: number;
  /** A compression method to declare in both headers (e.g. 12, bzip2, which packages may not use). */
  declaredCompressionMethod?: number;
  /** A different name for the local file header only (same UTF-8 byte length as `name`). */
  localHeaderName?: string;
}

export interface BuildApkgOptions {
  /** Which builder's layout to imitate (default pixell-kit). */
  style?: ApkgStyle;
  /** Agent name (default `test-agent`). */
  name?: string;
  /** metadata.version, the package version (default `1.0.0`). */
  version?: string;
  /** Overrides merged into the generated agent.yaml: plain objects merge deeply, `undefined` removes a key. */
  manifest?: Record<string, unknown>;
  /** Raw agent.yaml text instead of the generated one; `null` leaves agent.yaml out. */
  agentYaml?: string | null;
  /** `.env` text; `null` leaves `.env` out. Default: placeholders only. */
  env?: string | null;
  /** `.pixell/package.json` as an object or raw text; `null` leaves it out. Default: generated from the manifest. */
  packageJson?: Record<string, unknown> | string | null;
  /** `deploy.json` as an object or raw text; `null` leaves it out. Default: generated. */
  deployJson?: Record<string, unknown> | string | null;
  /** Regular files to add or replace (string/Buffer) or to remove (`null`), by name. */
  files?: Record<string, string | Buffer | null>;
  /** Names of generated files to leave out. */
  omit?: string[];
  /** Raw entries appended after the package files (duplicates and unsafe names allowed). */
  entries?: RawApkgEntry[];
  /** Append this many tiny stored files (`filler/00001.txt`, …). */
  fillerEntries?: number;
  /** Write a directory entry for every folder, as the builders do (default true). */
  directoryEntries?: boolean;
  /** Number of entries to declare in the end of central directory record (a lie when it differs). */
  declaredEntryCount?: number;
}

export const DEFAULT_TEST_ENV = [
  '# Placeholders only: real values are set at deploy time.',
  'OPENAI_API_KEY=your-openai-api-key',
  'LOG_LEVEL=info',
  'HOST=0.0.0.0',
  'PORT=8080',
  '',
].join('\n');

/** The agent.yaml a builder of this style would ship (before overrides). */
export function defaultManifest(style: ApkgStyle, name: string, version: string): Record<string, unknown> {
  const common = {
    name,
    display_name: 'Test Agent',
    description: 'An agent packaged for tests',
    author: 'Pixell Tests',
    license: 'MIT',
  };
  if (style === 'pixell-sdk') {
    return {
      ...common,
      version,
      runtime: 'python3.11',
      http_server: 'main:app',
      a2a: { entry: 'main:create_a2a_server', http_server: 'main:create_handlers' },
      ui: { path: 'ui/dist' },
      capabilities: ['chat', 'plan_mode'],
      permissions: { required: ['user.profile'], optional: [] },
      plan_mode: { supported: true, phases: ['clarification', 'preview'] },
      metadata: { version, tags: ['test'] },
    };
  }
  return {
    version: '1.0',
    ...common,
    entrypoint: 'src.main:handler',
    runtime: 'python3.11',
    capabilities: ['chat'],
    environment: { LOG_LEVEL: 'info' },
    dependencies: ['requests>=2.31', 'pydantic[email]>=2.0,<3'],
    metadata: { version, homepage: 'https://example.com', tags: ['test'] },
    rest: { entry: 'src.rest.index:mount' },
    a2a: { service: 'src.a2a.server:serve' },
    ui: { path: 'ui' },
  };
}

function defaultFiles(style: ApkgStyle): Record<string, string> {
  if (style === 'pixell-sdk') {
    return {
      'pyproject.toml': '[project]\nname = "test-agent"\nversion = "0.0.0"\ndependencies = ["pixell-sdk>=0.5"]\n',
      'README.md': '# Test agent\n',
      'main.py':
        'from pixell.sdk import AgentServer\n\nserver = AgentServer()\napp = server.app\n\n\ndef create_a2a_server():\n    return server\n\n\ndef create_handlers():\n    return {}\n',
      'ui/dist/index.html': '<!doctype html><title>Test agent</title>\n',
    };
  }
  return {
    'requirements.txt': 'requests>=2.31\npydantic[email]>=2.0,<3\n',
    'README.md': '# Test agent\n',
    'setup.py': 'from setuptools import setup\n\nsetup(name="test-agent", packages=["src"])\n',
    'src/__init__.py': '',
    'src/main.py': 'def handler(context):\n    return {"ok": True}\n',
    'src/rest/__init__.py': '',
    'src/rest/index.py': 'def mount(app):\n    pass\n',
    'src/a2a/__init__.py': '',
    'src/a2a/server.py': 'def serve():\n    pass\n',
    'dist/rest/index.py': 'def mount(app):\n    pass\n',
    'dist/a2a/server.py': 'def serve():\n    pass\n',
    'dist/ui/index.html': '<!doctype html><title>Test agent</title>\n',
  };
}

function defaultDeployJson(manifest: Record<string, unknown>): Record<string, unknown> {
  const expose: string[] = [];
  const ports: Record<string, number> = {};
  if (manifest.rest) {
    expose.push('rest');
    ports.rest = 8080;
  }
  if (manifest.a2a) {
    expose.push('a2a');
    ports.a2a = 50051;
  }
  if (manifest.ui) {
    expose.push('ui');
    ports.ui = 3000;
  }
  const environment = typeof manifest.environment === 'object' && manifest.environment !== null ? manifest.environment : {};
  return { expose, ports, multiplex: true, environment };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** Deep merge for manifest overrides: `undefined` deletes, plain objects merge, anything else replaces. */
export function mergeManifest(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = mergeManifest(out[key], value);
    else out[key] = value;
  }
  return out;
}

function zeroStream(total: number): Readable {
  const chunk = Buffer.alloc(64 * 1024);
  let left = total;
  return new Readable({
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

interface Patch {
  name?: Buffer;
  localName?: Buffer;
  uncompressedSize?: number;
  compressedSize?: number;
  crc32?: number;
  compressionMethod?: number;
}

function yazlUnsafe(name: string): boolean {
  return (
    name.includes('\\') ||
    name.includes('\0') ||
    /^[A-Za-z]:/.test(name) ||
    name.startsWith('/') ||
    name.split('/').includes('..')
  );
}

/** Builds the archive in memory (small: bombs are zero runs that deflate ~1000:1). */
export async function buildApkg(opts: BuildApkgOptions = {}): Promise<Buffer> {
  const style = opts.style ?? 'pixell-kit';
  const name = opts.name ?? 'test-agent';
  const version = opts.version ?? '1.0.0';
  const manifest = mergeManifest(defaultManifest(style, name, version), opts.manifest ?? {});

  const files = new Map<string, string | Buffer>();
  if (opts.agentYaml !== null) files.set('agent.yaml', opts.agentYaml ?? YAML.stringify(manifest, { version: '1.1' }));
  if (opts.env !== null) files.set('.env', opts.env ?? DEFAULT_TEST_ENV);
  for (const [k, v] of Object.entries(defaultFiles(style))) files.set(k, v);
  if (opts.packageJson !== null) {
    const pj = opts.packageJson ?? {
      format_version: '1.0',
      created_by: style,
      created_at: '2025-01-01T00:00:00Z',
      manifest,
    };
    files.set('.pixell/package.json', typeof pj === 'string' ? pj : JSON.stringify(pj, null, 2));
  }
  if (opts.deployJson !== null) {
    const dj = opts.deployJson ?? defaultDeployJson(manifest);
    files.set('deploy.json', typeof dj === 'string' ? dj : JSON.stringify(dj, null, 2));
  }
  for (const [k, v] of Object.entries(opts.files ?? {})) {
    if (v === null) files.delete(k);
    else files.set(k, v);
  }
  for (const k of opts.omit ?? []) files.delete(k);

  const zip = new yazl.ZipFile();
  const mtime = new Date('2025-01-01T00:00:00Z');
  const patches = new Map<number, Patch>();
  let index = 0;

  if (opts.directoryEntries !== false) {
    const folders = new Set<string>();
    for (const file of files.keys()) {
      const parts = file.split('/');
      for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
    }
    for (const folder of [...folders].sort()) {
      zip.addEmptyDirectory(folder, { mtime, mode: 0o040755 });
      index++;
    }
  }
  for (const [file, content] of files) {
    zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), file, { mtime, mode: 0o100644 });
    index++;
  }

  for (const entry of opts.entries ?? []) {
    const nameBytes = Buffer.from(entry.name);
    const isDirectory = entry.directory ?? false;
    let stored = entry.name;
    const patch: Patch = {};
    if (yazlUnsafe(entry.name)) {
      if (nameBytes.length < (isDirectory ? 2 : 1)) throw new Error(`buildApkg: cannot encode entry name ${JSON.stringify(entry.name)}`);
      stored = isDirectory ? 'x'.repeat(nameBytes.length - 1) + '/' : 'x'.repeat(nameBytes.length);
      patch.name = nameBytes;
    }
    if (entry.localHeaderName !== undefined) {
      const local = Buffer.from(entry.localHeaderName);
      if (local.length !== nameBytes.length) throw new Error('buildApkg: localHeaderName must have the byte length of name');
      patch.localName = local;
    }
    if (entry.declaredUncompressedSize !== undefined) patch.uncompressedSize = entry.declaredUncompressedSize;
    if (entry.declaredCompressedSize !== undefined) patch.compressedSize = entry.declaredCompressedSize;
    if (entry.declaredCrc32 !== undefined) patch.crc32 = entry.declaredCrc32;
    if (entry.declaredCompressionMethod !== undefined) patch.compressionMethod = entry.declaredCompressionMethod;
    if (Object.keys(patch).length > 0) patches.set(index, patch);

    const compress = entry.compress ?? true;
    if (isDirectory) {
      zip.addEmptyDirectory(stored, { mtime, mode: entry.mode ?? 0o040755 });
    } else if (entry.symlinkTarget !== undefined) {
      zip.addBuffer(Buffer.from(entry.symlinkTarget), stored, { mtime, mode: entry.mode ?? 0o120777, compress });
    } else if (entry.zeros !== undefined) {
      zip.addReadStream(zeroStream(entry.zeros), stored, { mtime, mode: entry.mode ?? 0o100644, compress });
    } else {
      const content = entry.content ?? '';
      zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), stored, {
        mtime,
        mode: entry.mode ?? 0o100644,
        compress,
      });
    }
    index++;
  }

  for (let i = 1; i <= (opts.fillerEntries ?? 0); i++) {
    zip.addBuffer(Buffer.from(`${i}\n`), `filler/${String(i).padStart(5, '0')}.txt`, { mtime, mode: 0o100644, compress: false });
    index++;
  }

  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  const archive = Buffer.concat(chunks);

  if (patches.size > 0 || opts.declaredEntryCount !== undefined) patchArchive(archive, patches, opts.declaredEntryCount);
  return archive;
}

/** Builds the archive and writes it to `filePath`. Returns `filePath`. */
export async function writeApkg(filePath: string, opts: BuildApkgOptions = {}): Promise<string> {
  await writeFile(filePath, await buildApkg(opts));
  return filePath;
}

/** Rewrites central directory / local header fields in place (non-ZIP64 archives). */
function patchArchive(archive: Buffer, patches: Map<number, Patch>, declaredEntryCount: number | undefined): void {
  let eocd = -1;
  for (let i = archive.length - 22; i >= 0; i--) {
    if (archive.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) throw new Error('buildApkg: end of central directory not found');
  const count = archive.readUInt16LE(eocd + 10);
  const cdOffset = archive.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new Error('buildApkg: cannot patch ZIP64 archives');

  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(p) !== 0x02014b50) throw new Error('buildApkg: bad central directory record');
    const nameLength = archive.readUInt16LE(p + 28);
    const extraLength = archive.readUInt16LE(p + 30);
    const commentLength = archive.readUInt16LE(p + 32);
    const localOffset = archive.readUInt32LE(p + 42);
    const patch = patches.get(i);
    if (patch) {
      if (patch.name) {
        patch.name.copy(archive, p + 46);
        patch.name.copy(archive, localOffset + 30);
      }
      if (patch.localName) patch.localName.copy(archive, localOffset + 30);
      if (patch.compressionMethod !== undefined) {
        archive.writeUInt16LE(patch.compressionMethod, p + 10);
        archive.writeUInt16LE(patch.compressionMethod, localOffset + 8);
      }
      if (patch.crc32 !== undefined) archive.writeUInt32LE(patch.crc32 >>> 0, p + 16);
      if (patch.compressedSize !== undefined) archive.writeUInt32LE(patch.compressedSize, p + 20);
      if (patch.uncompressedSize !== undefined) archive.writeUInt32LE(patch.uncompressedSize, p + 24);
    }
    p += 46 + nameLength + extraLength + commentLength;
  }
  if (declaredEntryCount !== undefined) {
    archive.writeUInt16LE(declaredEntryCount, eocd + 8);
    archive.writeUInt16LE(declaredEntryCount, eocd + 10);
  }
}
