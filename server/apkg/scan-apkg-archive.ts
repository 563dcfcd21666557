// Streaming scan of an APKG (ZIP) archive with the limits of apkg-format.md §6.
// Every entry is inflated as a stream while its bytes are counted (headers are never trusted on
// their own): the scan stops at once when the total or the per-entry ratio goes over the limit, or
// when an entry inflates to more bytes than its header declares. Entry data is read in large blocks
// through our own file handle; a stored entry's CRC-32 may come from block CRCs computed while the
// file was stored (crc32-ranges.ts) instead of a second read. Nothing proportional to the archive
// is held in memory except the entry names and the few small text files asked for (capped).
// A small archive may also be scanned from its bytes in memory (uploads up to SMALL_PACKAGE_BYTES are
// received that way): the same checks without a read, and entries whose limits are small inflated
// in one call (zlib's maxOutputLength stops it at the first byte over the limit).
import fs from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { crc32OfRange, type BlockCrc32, type PositionalReader } from './crc32-ranges.ts';

export interface ScanLimits {
  maxEntries: number;
  maxTotalUncompressedBytes: number;
  maxRatio: number;
  ratioMinEntryBytes: number;
  /** Cap for each captured text file. */
  maxCapturedFileBytes: number;
}

export interface ScanResult {
  /** A structural failure (not a zip, corrupt, zip bomb, too many entries…) stopped the scan. */
  fatal: boolean;
  errors: string[];
  warnings: string[];
  entries: number;
  uncompressedBytes: number;
  /** Regular files, by normalized root-relative name. */
  files: Set<string>;
  /** Folders (explicit or implied by a file path), without trailing slash. */
  folders: Set<string>;
  /** Contents of the requested files (only when at most maxCapturedFileBytes). */
  captured: Map<string, Buffer>;
  /** Requested files that were over the cap. */
  tooLarge: Set<string>;
}

/** Report at most this many per-entry problems, then a summary line. */
const MAX_ENTRY_ERRORS = 50;

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** Positional reads of the archive: an open file, or the archive's bytes. */
interface ByteSource extends PositionalReader {
  close(): Promise<void>;
}

function bytesSource(bytes: Buffer): ByteSource {
  return {
    read: (buffer, offset, length, position) => Promise.resolve({ bytesRead: position >= bytes.length ? 0 : bytes.copy(buffer, offset, position, position + length) }),
    close: () => Promise.resolve(),
  };
}

/** Entries whose inflated size may reach at most this (by their limits) are inflated in one call when in memory. */
const ONE_CALL_INFLATE_BYTES = 1024 * 1024;

/** `archive`: the path of the file, or its bytes (small packages). */
export async function scanApkgArchive(archive: string | Buffer, limits: ScanLimits, capture: ReadonlySet<string>, blockCrc32?: BlockCrc32): Promise<ScanResult> {
  const result: ScanResult = {
    fatal: false,
    errors: [],
    warnings: [],
    entries: 0,
    uncompressedBytes: 0,
    files: new Set(),
    folders: new Set(),
    captured: new Map(),
    tooLarge: new Set(),
  };
  const fatal = (message: string) => {
    result.fatal = true;
    result.errors.push(message);
    return result;
  };

  let size: number;
  if (typeof archive === 'string') {
    try {
      const stat = await fs.stat(archive);
      if (!stat.isFile()) return fatal('Invalid APKG format: not a file');
      size = stat.size;
    } catch {
      return fatal('Invalid APKG format: the file could not be read');
    }
  } else size = archive.length;
  if (size === 0) return fatal('Invalid APKG format: the file is empty');

  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(archive);
  } catch (err) {
    return fatal(describeZipError(err));
  }
  // Entry data is read through our own handle in large blocks (yauzl's streams read 64 KiB at a time
  // into fresh buffers, which dominates the scan of a big package).
  let data: ByteSource;
  if (typeof archive === 'string') {
    try {
      data = await fs.open(archive, 'r');
    } catch {
      zip.close();
      return fatal('Invalid APKG format: the file could not be read');
    }
  } else data = bytesSource(archive);
  const inMemory = typeof archive === 'string' ? null : archive;

  let suppressed = 0;
  let entryErrors = 0;
  const entryError = (message: string) => {
    entryErrors++;
    if (entryErrors <= MAX_ENTRY_ERRORS) result.errors.push(message);
    else suppressed++;
  };
  const seen = new Set<string>();

  try {
    if (zip.entryCount > limits.maxEntries) {
      result.entries = zip.entryCount;
      return fatal(`Package has too many entries: ${zip.entryCount} (the limit is ${limits.maxEntries})`);
    }
    const next = entryReader(zip);

    for (;;) {
      let entry: yauzl.Entry | null;
      try {
        entry = await next();
      } catch (err) {
        return fatal(describeZipError(err));
      }
      if (entry === null) break;
      result.entries++;
      if (result.entries > limits.maxEntries) {
        return fatal(`Package has too many entries: more than ${limits.maxEntries} (the limit is ${limits.maxEntries})`);
      }

      const raw = entry.fileNameRaw;
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
      const plainName = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, [], true);

      // Names: relative, no `..`, no backslashes, no drive letters (zip slip). The Info-ZIP Unicode
      // path field can carry a second name: both are checked.
      let unsafe = false;
      for (const candidate of new Set([name, plainName])) {
        const problem = unsafePathReason(candidate);
        if (problem) {
          entryError(`Unsafe entry path ${show(candidate)}: ${problem}`);
          unsafe = true;
          break;
        }
      }

      const isDirectory = name.endsWith('/');
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (mode === S_IFLNK) entryError(`Symbolic links are not allowed in packages: ${show(name)}`);

      const key = normalizeEntryName(name);
      let duplicate = false;
      if (!unsafe) {
        duplicate = seen.has(key + (isDirectory ? '/' : ''));
        if (duplicate) entryError(`Duplicate entry in archive: ${show(name)}`);
        seen.add(key + (isDirectory ? '/' : ''));
        addFolders(result.folders, key, isDirectory);
        if (!isDirectory && mode !== S_IFLNK && key !== '') result.files.add(key);
      }

      if (entry.isEncrypted()) {
        entryError(`Entry ${show(name)} is encrypted: encrypted packages are not supported`);
        continue;
      }
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        entryError(`Entry ${show(name)} uses an unsupported compression method (${entry.compressionMethod}): use deflate`);
        continue;
      }
      if (entry.compressionMethod === 0 && entry.compressedSize !== entry.uncompressedSize) {
        return fatal(
          `Invalid APKG format: stored entry ${show(name)} declares ${entry.compressedSize} compressed bytes but ${entry.uncompressedSize} uncompressed bytes (reported size mismatch)`,
        );
      }

      // The local header must agree with the central directory (extractors that read local headers
      // would otherwise see another name).
      let header: yauzl.LocalFileHeader;
      try {
        header = await readLocalFileHeader(zip, entry);
      } catch (err) {
        return fatal(describeZipError(err, name));
      }
      if (!header.fileName.equals(raw)) {
        return fatal(`Invalid APKG format: entry ${show(name)} has a different name in its local header`);
      }

      const wanted = !isDirectory && !unsafe && !duplicate && mode !== S_IFLNK && capture.has(key);
      const stop = await inflateEntry(data, inMemory, entry, header.fileDataStart, name, limits, result, wanted ? key : null, blockCrc32);
      if (stop) return fatal(stop);
    }

    // A central directory holding more records than the end record declares hides entries from
    // readers that trust the count (others parse the whole directory): refuse it.
    const cursor = Number((zip as unknown as { readEntryCursor: number }).readEntryCursor);
    if (await startsWithSignature(data, cursor, 0x02014b50)) {
      return fatal('Invalid APKG format: the central directory holds more entries than the archive declares');
    }
    return result;
  } finally {
    if (suppressed > 0) result.errors.push(`…and ${suppressed} more problems with other entries`);
    zip.close();
    await data.close();
  }
}

/** Inflates one entry, counting bytes. Returns an error message when the scan must stop. */
async function inflateEntry(
  file: ByteSource,
  inMemory: Buffer | null,
  entry: yauzl.Entry,
  fileDataStart: number,
  name: string,
  limits: ScanLimits,
  result: ScanResult,
  captureAs: string | null,
  blockCrc32: BlockCrc32 | undefined,
): Promise<string | null> {
  if (entry.compressedSize === 0) {
    // Nothing to read (some writers store empty files as deflate with no data at all).
    if (entry.uncompressedSize !== 0 || entry.crc32 !== 0) {
      return `Invalid APKG format: entry ${show(name)} has no data but its header declares ${entry.uncompressedSize} bytes (reported size mismatch)`;
    }
    if (captureAs) result.captured.set(captureAs, Buffer.alloc(0));
    return null;
  }
  if (entry.compressionMethod === 0 && !captureAs && blockCrc32 && limits.maxRatio >= 1 && !inMemory) {
    // A stored entry is its own bytes (their count was checked against the header already): the
    // same checks as below, with the CRC-32 derived from the blocks' CRCs computed while storing.
    let crc: number | null;
    try {
      crc = await crc32OfRange(file, blockCrc32, fileDataStart, entry.compressedSize);
    } catch (err) {
      return `Invalid APKG format: entry ${show(name)} is corrupt (${errorMessage(err)})`;
    }
    if (crc !== null) {
      result.uncompressedBytes += entry.compressedSize;
      if (result.uncompressedBytes > limits.maxTotalUncompressedBytes) {
        return `Package rejected as a possible zip bomb: its content inflates to more than ${formatBytes(limits.maxTotalUncompressedBytes)} (stopped at entry ${show(name)})`;
      }
      if (crc !== (entry.crc32 >>> 0)) return `Invalid APKG format: entry ${show(name)} is corrupt (CRC-32 mismatch)`;
      return null;
    }
  }

  let bytes = 0;
  let crc = 0;
  let captured: Buffer[] | null = captureAs ? [] : null;
  const ratioBase = Math.max(entry.compressedSize, 1);
  /** Counts `n` more inflated bytes; the message of the first limit they break, if any. */
  const count = (n: number): string | null => {
    bytes += n;
    result.uncompressedBytes += n;
    if (result.uncompressedBytes > limits.maxTotalUncompressedBytes) {
      return `Package rejected as a possible zip bomb: its content inflates to more than ${formatBytes(limits.maxTotalUncompressedBytes)} (stopped at entry ${show(name)})`;
    }
    if (bytes > limits.ratioMinEntryBytes && bytes > limits.maxRatio * ratioBase) {
      return `Package rejected as a possible zip bomb: entry ${show(name)} inflates more than ${limits.maxRatio} times its compressed size`;
    }
    if (bytes > entry.uncompressedSize) {
      return `Invalid APKG format: entry ${show(name)} inflates to more than the ${entry.uncompressedSize} bytes its header declares (reported size mismatch)`;
    }
    return null;
  };
  const take = (chunk: Buffer): string | null => {
    const problem = count(chunk.length);
    if (problem) return problem;
    crc = zlib.crc32(chunk, crc);
    if (captured) {
      if (bytes > limits.maxCapturedFileBytes) {
        captured = null;
        result.tooLarge.add(captureAs as string);
      } else captured.push(Buffer.from(chunk)); // a copy: stored chunks are read into reused buffers
    }
    return null;
  };

  try {
    if (inMemory) {
      if (fileDataStart + entry.compressedSize > inMemory.length) throw new Error('unexpected EOF');
      const raw = inMemory.subarray(fileDataStart, fileDataStart + entry.compressedSize);
      // The most bytes this entry may inflate to before one of the limits of count() is broken.
      const allowed = Math.min(limits.maxTotalUncompressedBytes - result.uncompressedBytes, Math.max(limits.ratioMinEntryBytes, limits.maxRatio * ratioBase), entry.uncompressedSize);
      if (entry.compressionMethod === 0) {
        const problem = take(raw);
        if (problem) return problem;
      } else if (allowed < ONE_CALL_INFLATE_BYTES) {
        let inflated: Buffer | null;
        try {
          inflated = zlib.inflateRawSync(raw, { maxOutputLength: allowed + 1 });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw err;
          inflated = null; // stopped past `allowed` bytes: count() reports which limit
        }
        const problem = inflated ? take(inflated) : count(allowed + 1);
        if (problem) return problem;
      } else {
        for await (const chunk of inflateStream(Readable.from([raw], { objectMode: false }))) {
          const problem = take(chunk);
          if (problem) return problem;
        }
      }
    } else {
      const chunks = entry.compressionMethod === 8 ? inflatedChunks(file, fileDataStart, entry.compressedSize) : storedChunks(file, fileDataStart, entry.compressedSize);
      for await (const chunk of chunks) {
        const problem = take(chunk);
        if (problem) return problem;
      }
    }
  } catch (err) {
    return `Invalid APKG format: entry ${show(name)} is corrupt (${errorMessage(err)})`;
  }
  if (bytes !== entry.uncompressedSize) {
    return `Invalid APKG format: entry ${show(name)} inflates to ${bytes} bytes but its header declares ${entry.uncompressedSize} (reported size mismatch)`;
  }
  if ((crc >>> 0) !== (entry.crc32 >>> 0)) {
    return `Invalid APKG format: entry ${show(name)} is corrupt (CRC-32 mismatch)`;
  }
  const kept = captured as Buffer[] | null;
  if (kept && captureAs) result.captured.set(captureAs, Buffer.concat(kept));
  return null;
}

/** Blocks read for entry data. */
const READ_BLOCK_BYTES = 2 * 1024 * 1024;
/** Inflated chunks: the bomb limits are checked at least this often. */
const INFLATE_CHUNK_BYTES = 64 * 1024;

/**
 * A stored entry's bytes, in blocks read into two buffers used in turn: the next block is being read
 * while the consumer checks the current one, which it must be done with before asking for more.
 */
async function* storedChunks(file: ByteSource, start: number, length: number): AsyncGenerator<Buffer> {
  const buffers = [Buffer.allocUnsafe(Math.min(READ_BLOCK_BYTES, length)), Buffer.allocUnsafe(Math.min(READ_BLOCK_BYTES, length))];
  const read = (i: number, position: number) => {
    const n = Math.min(READ_BLOCK_BYTES, start + length - position);
    return file.read(buffers[i], 0, n, position).then(({ bytesRead }) => {
      if (bytesRead !== n) throw new Error('unexpected EOF');
      return buffers[i].subarray(0, n);
    });
  };
  let position = start;
  let i = 0;
  let next: Promise<Buffer> | null = read(i, position);
  try {
    while (next) {
      const block = await next;
      position += block.length;
      i ^= 1;
      next = position < start + length ? read(i, position) : null;
      yield block;
    }
  } finally {
    // Stopped early: let a read in flight finish before the buffers and the handle go away.
    await next?.catch(() => undefined);
  }
}

/** A deflated entry's inflated bytes (zlib runs on the thread pool). */
async function* inflatedChunks(file: ByteSource, start: number, length: number): AsyncGenerator<Buffer> {
  // Fresh buffers: zlib keeps hold of its input until it has consumed it.
  async function* compressed() {
    for (let position = start; position < start + length; ) {
      const n = Math.min(READ_BLOCK_BYTES, start + length - position);
      const buffer = Buffer.allocUnsafe(n);
      const { bytesRead } = await file.read(buffer, 0, n, position);
      if (bytesRead !== n) throw new Error('unexpected EOF');
      position += n;
      yield buffer;
    }
  }
  yield* inflateStream(Readable.from(compressed(), { objectMode: false }));
}

async function* inflateStream(raw: Readable): AsyncGenerator<Buffer> {
  const inflate = zlib.createInflateRaw({ chunkSize: INFLATE_CHUNK_BYTES });
  const piping = pipeline(raw, inflate);
  piping.catch(() => undefined);
  try {
    yield* inflate as AsyncIterable<Buffer>;
    await piping;
  } finally {
    raw.destroy();
    inflate.destroy();
  }
}

// --- names -------------------------------------------------------------------------------------

export function unsafePathReason(name: string): string | null {
  if (name === '') return 'empty entry name';
  if (name.includes('\0')) return 'entry names must not contain NUL characters';
  if (name.includes('\\')) return 'backslashes are not allowed in entry names';
  if (/^[A-Za-z]:/.test(name)) return 'drive letters are not allowed in entry names';
  if (name.startsWith('/')) return 'absolute paths are not allowed in entry names';
  if (name.split('/').includes('..')) return '".." segments are not allowed in entry names';
  return null;
}

/** `./a//b/` → `a/b` (for lookups only). */
export function normalizeEntryName(name: string): string {
  return name
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

function addFolders(folders: Set<string>, key: string, isDirectory: boolean): void {
  const parts = key.split('/');
  const upto = isDirectory ? parts.length : parts.length - 1;
  for (let i = 1; i <= upto; i++) folders.add(parts.slice(0, i).join('/'));
}

/** A quoted, printable, bounded rendering of an entry name for messages. */
function show(name: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${printable.length > 200 ? printable.slice(0, 200) + '…' : printable}"`;
}

// --- yauzl glue --------------------------------------------------------------------------------

function openZip(archive: string | Buffer): Promise<yauzl.ZipFile> {
  // decodeStrings: false so that unsafe names are reported per entry instead of aborting the
  // archive; validateEntrySizes: false because sizes are checked here while inflating.
  const options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false, strictFileNames: true };
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, zip: yauzl.ZipFile) => (err ? reject(err) : resolve(zip));
    if (typeof archive === 'string') yauzl.open(archive, options, done);
    else yauzl.fromBuffer(archive, options, done);
  });
}

/** Reads central directory entries one at a time; an error is kept and re-thrown on later calls. */
function entryReader(zip: yauzl.ZipFile): () => Promise<yauzl.Entry | null> {
  let pending: { resolve: (e: yauzl.Entry | null) => void; reject: (err: Error) => void } | null = null;
  let failure: Error | null = null;
  let ended = false;
  zip.on('entry', (entry: yauzl.Entry) => {
    const p = pending;
    pending = null;
    p?.resolve(entry);
  });
  zip.on('end', () => {
    ended = true;
    const p = pending;
    pending = null;
    p?.resolve(null);
  });
  zip.on('error', (err: Error) => {
    failure ??= err;
    const p = pending;
    pending = null;
    p?.reject(err);
  });
  return () =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      if (ended) return resolve(null);
      pending = { resolve, reject };
      zip.readEntry();
    });
}

function readLocalFileHeader(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<yauzl.LocalFileHeader> {
  return new Promise((resolve, reject) => {
    zip.readLocalFileHeader(entry, {}, (err, header) => (err ? reject(err) : resolve(header)));
  });
}

async function startsWithSignature(file: ByteSource, position: number, signature: number): Promise<boolean> {
  const buf = Buffer.alloc(4);
  const { bytesRead } = await file.read(buf, 0, 4, position);
  return bytesRead === 4 && buf.readUInt32LE(0) === signature;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** yauzl's structural errors, in words a package author can act on. */
export function describeZipError(err: unknown, entryName?: string): string {
  const message = errorMessage(err);
  const where = entryName ? `entry ${show(entryName)}: ` : '';
  if (/End of central directory record signature not found/i.test(message)) {
    return 'Invalid APKG format: not a ZIP archive (or the file is truncated)';
  }
  if (/unexpected EOF|overflows file bounds/i.test(message)) {
    return `Invalid APKG format: the ZIP archive is truncated or corrupt (${where}${message})`;
  }
  if (/size mismatch|bytes in the stream/i.test(message)) {
    return `Invalid APKG format: ${where}reported size mismatch (${message})`;
  }
  return `Invalid APKG format: corrupt ZIP archive (${where}${message})`;
}

export function formatBytes(n: number): string {
  const GiB = 1024 ** 3;
  const MiB = 1024 ** 2;
  const KiB = 1024;
  if (n >= GiB && n % GiB === 0) return `${n / GiB} GiB`;
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  return `${n} bytes`;
}
