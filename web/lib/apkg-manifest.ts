// Reads the manifest of an .apkg (a zip archive) in the browser, without uploading it: the end of
// central directory record → the central directory → the one or two entries we need
// (`.pixell/package.json` and `agent.yaml`), inflated with DecompressionStream('deflate-raw').
// Only what the wizard shows is extracted (name, description, version); anything unexpected makes
// it give up quietly, and the server remains the validator.

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const MAX_COMMENT = 0xffff;
/** Text files larger than this are not read (the server caps them at 1 MiB too). */
const MAX_TEXT_BYTES = 1024 * 1024;
/** A central directory larger than this is not read (10,000 entries with long names fit easily). */
const MAX_DIRECTORY_BYTES = 8 * 1024 * 1024;

export type ApkgManifestSummary = {
  /** `name` from agent.yaml. */
  name: string | null;
  displayName: string | null;
  description: string | null;
  /** The package version, read like the server does: .pixell/package.json first, then agent.yaml. */
  version: string | null;
};

type Entry = { name: string; method: number; compressedSize: number; uncompressedSize: number; localOffset: number };

async function bytes(blob: Blob, start: number, end: number): Promise<DataView> {
  const buffer = await blob.slice(start, end).arrayBuffer();
  return new DataView(buffer);
}

function u64(view: DataView, offset: number): number {
  const value = view.getBigUint64(offset, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('zip offset out of range');
  return Number(value);
}

/** Where the central directory is and how long it is. */
async function locateDirectory(file: Blob): Promise<{ offset: number; size: number }> {
  const tailStart = Math.max(0, file.size - (22 + MAX_COMMENT));
  const tail = await bytes(file, tailStart, file.size);
  let eocd = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive');
  let size = tail.getUint32(eocd + 12, true);
  let offset = tail.getUint32(eocd + 16, true);
  if (offset === 0xffffffff || size === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || tail.getUint32(locator, true) !== ZIP64_LOCATOR_SIGNATURE) throw new Error('zip64 locator missing');
    const recordOffset = u64(tail, locator + 8);
    const record = await bytes(file, recordOffset, recordOffset + 56);
    if (record.getUint32(0, true) !== ZIP64_EOCD_SIGNATURE) throw new Error('zip64 record missing');
    size = u64(record, 40);
    offset = u64(record, 48);
  }
  if (offset + size > file.size || size > MAX_DIRECTORY_BYTES) throw new Error('bad central directory');
  return { offset, size };
}

function normalizeName(name: string): string {
  return name
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

async function readDirectory(file: Blob, wanted: Set<string>): Promise<Map<string, Entry>> {
  const { offset, size } = await locateDirectory(file);
  const dir = await bytes(file, offset, offset + size);
  const found = new Map<string, Entry>();
  const utf8 = new TextDecoder('utf-8');
  let p = 0;
  while (p + 46 <= dir.byteLength && dir.getUint32(p, true) === CENTRAL_SIGNATURE) {
    const method = dir.getUint16(p + 10, true);
    let compressedSize = dir.getUint32(p + 20, true);
    let uncompressedSize = dir.getUint32(p + 24, true);
    const nameLength = dir.getUint16(p + 28, true);
    const extraLength = dir.getUint16(p + 30, true);
    const commentLength = dir.getUint16(p + 32, true);
    let localOffset = dir.getUint32(p + 42, true);
    const name = normalizeName(utf8.decode(new Uint8Array(dir.buffer, dir.byteOffset + p + 46, nameLength)));
    if (wanted.has(name) && !found.has(name)) {
      // ZIP64 extended information: the 0xffffffff fields, in this order.
      let e = p + 46 + nameLength;
      const extraEnd = e + extraLength;
      while (e + 4 <= extraEnd) {
        const id = dir.getUint16(e, true);
        const length = dir.getUint16(e + 2, true);
        if (id === 0x0001) {
          let q = e + 4;
          if (uncompressedSize === 0xffffffff) {
            uncompressedSize = u64(dir, q);
            q += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = u64(dir, q);
            q += 8;
          }
          if (localOffset === 0xffffffff) localOffset = u64(dir, q);
        }
        e += 4 + length;
      }
      found.set(name, { name, method, compressedSize, uncompressedSize, localOffset });
    }
    p += 46 + nameLength + extraLength + commentLength;
  }
  return found;
}

async function inflateRaw(data: Uint8Array<ArrayBuffer>, limit: number): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new Error('entry too large');
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

async function readText(file: Blob, entry: Entry): Promise<string> {
  if (entry.uncompressedSize > MAX_TEXT_BYTES || entry.compressedSize > MAX_TEXT_BYTES) throw new Error('entry too large');
  const local = await bytes(file, entry.localOffset, entry.localOffset + 30);
  if (local.getUint32(0, true) !== LOCAL_SIGNATURE) throw new Error('bad local header');
  const start = entry.localOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
  const raw = new Uint8Array(await file.slice(start, start + entry.compressedSize).arrayBuffer());
  let content: Uint8Array;
  if (entry.method === 0) content = raw;
  else if (entry.method === 8) content = await inflateRaw(raw, MAX_TEXT_BYTES);
  else throw new Error(`unsupported compression method ${entry.method}`);
  const text = new TextDecoder('utf-8').decode(content);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

const AGENT_YAML = 'agent.yaml';
const PACKAGE_JSON = '.pixell/package.json';

/**
 * The name, description and version of a package, or null when the archive or its agent.yaml
 * cannot be read in the browser (the caller then lets the user type the version).
 */
export async function readApkgManifest(file: Blob): Promise<ApkgManifestSummary | null> {
  if (typeof DecompressionStream === 'undefined') return null;
  try {
    const entries = await readDirectory(file, new Set([AGENT_YAML, PACKAGE_JSON]));
    let packageVersion: string | null = null;
    const packageJson = entries.get(PACKAGE_JSON);
    if (packageJson) {
      try {
        const json: unknown = JSON.parse(await readText(file, packageJson));
        const manifest = isRecord(json) ? json.manifest : undefined;
        const metadata = isRecord(manifest) ? manifest.metadata : undefined;
        packageVersion = isRecord(metadata) ? str(metadata.version) : null;
      } catch {
        // Builder metadata is optional; agent.yaml still counts.
      }
    }
    const agentYaml = entries.get(AGENT_YAML);
    if (!agentYaml) return packageVersion ? { name: null, displayName: null, description: null, version: packageVersion } : null;
    // The server's own YAML reading rules (YAML 1.1 like PyYAML), loaded only when a file is chosen.
    const { parseManifestYaml } = await import('../../server/apkg/manifest-schema.ts');
    const parsed = parseManifestYaml(await readText(file, agentYaml));
    if (!parsed.ok || !isRecord(parsed.value)) return packageVersion ? { name: null, displayName: null, description: null, version: packageVersion } : null;
    const manifest = parsed.value;
    const metadata = isRecord(manifest.metadata) ? manifest.metadata : {};
    return {
      name: str(manifest.name),
      displayName: str(manifest.display_name),
      description: str(manifest.description),
      version: packageVersion ?? str(metadata.version),
    };
  } catch {
    return null;
  }
}
