// A Writable into an open file that writes in large batches: chunks (64 KiB network reads) are
// gathered until MIN_WRITE_BYTES are pending — and while one write is on its way to the disk, what
// arrives meanwhile (up to highWaterMark) is gathered too — then written with ONE writev. Counts
// the bytes, refuses more than maxBytes (ObjectTooLargeError, before writing them) and reports
// progress after each completed write. Write-behind: every SYNC_EVERY_BYTES an fdatasync starts in
// the background (never awaited by the writes), so the disk works while the data still arrives and
// the owner's final fsync only has the tail left to flush.
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { ObjectTooLargeError } from './storage-adapter.ts';

export const FILE_WRITER_HIGH_WATER_MARK = 8 * 1024 * 1024;
/** Fewer bytes than this are held back (not written yet) until more arrive or the stream ends. */
export const MIN_WRITE_BYTES = 4 * 1024 * 1024;
/** A background fdatasync starts once this many bytes were written since the last one began. */
export const SYNC_EVERY_BYTES = 32 * 1024 * 1024;

export class FileWriter extends Writable {
  readonly #file: FileHandle;
  readonly #maxBytes: number | undefined;
  readonly #onWritten: (bytes: number) => void;
  /** Bytes received (written or held back). */
  #received = 0;
  /** Bytes on disk. */
  #bytes = 0;
  #held: Buffer[] = [];
  #heldBytes = 0;
  /** Where the last background fdatasync started; the one running; the first that failed. */
  #syncedUpTo = 0;
  #syncing: Promise<void> | null = null;
  #syncError: Error | null = null;

  constructor(file: FileHandle, opts: { maxBytes?: number; onWritten?: (bytes: number) => void } = {}) {
    super({ highWaterMark: FILE_WRITER_HIGH_WATER_MARK });
    if (opts.maxBytes !== undefined && (!Number.isSafeInteger(opts.maxBytes) || opts.maxBytes < 0)) {
      throw new RangeError(`maxBytes must be a non-negative integer, got ${opts.maxBytes}`);
    }
    this.#file = file;
    this.#maxBytes = opts.maxBytes;
    this.#onWritten = opts.onWritten ?? (() => undefined);
  }

  /** Bytes written to the file so far (all of them once the stream has finished). */
  get bytesWritten(): number {
    return this.#bytes;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.#accept([chunk], callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (err?: Error | null) => void): void {
    this.#accept(
      chunks.map((c) => c.chunk),
      callback,
    );
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.#flush().then(() => callback(this.#syncError), callback);
  }

  #accept(buffers: Buffer[], callback: (err?: Error | null) => void): void {
    let total = 0;
    for (const b of buffers) total += b.length;
    if (this.#maxBytes !== undefined && this.#received + total > this.#maxBytes) {
      callback(new ObjectTooLargeError(this.#maxBytes));
      return;
    }
    this.#received += total;
    for (const b of buffers) if (b.length > 0) this.#held.push(b);
    this.#heldBytes += total;
    if (this.#heldBytes < MIN_WRITE_BYTES) {
      callback();
      return;
    }
    this.#flush().then(() => callback(), callback);
  }

  async #flush(): Promise<void> {
    let pending = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    let position = this.#bytes;
    while (pending.length > 0) {
      const { bytesWritten } = await this.#file.writev(pending, position);
      if (bytesWritten <= 0) throw new Error('could not write to the file');
      position += bytesWritten;
      pending = dropBytes(pending, bytesWritten);
    }
    if (position === this.#bytes) return;
    this.#bytes = position;
    this.#onWritten(position);
    if (this.#syncError) throw this.#syncError;
    if (!this.#syncing && position - this.#syncedUpTo >= SYNC_EVERY_BYTES) {
      this.#syncedUpTo = position;
      this.#syncing = this.#file.datasync().then(
        () => {
          this.#syncing = null;
        },
        (err: Error) => {
          this.#syncing = null;
          this.#syncError ??= err;
        },
      );
    }
  }

  /**
   * Resolves once no background fdatasync is running; rejects with the error of one that failed
   * (Linux reports a writeback error to one sync call only: the owner's final fsync may not see it).
   */
  async backgroundSyncs(): Promise<void> {
    while (this.#syncing) await this.#syncing;
    if (this.#syncError) throw this.#syncError;
  }
}

/** The buffers left once the first `n` bytes are removed (after a partial writev). */
function dropBytes(buffers: Buffer[], n: number): Buffer[] {
  let i = 0;
  while (i < buffers.length && n >= buffers[i].length) n -= buffers[i++].length;
  if (i === buffers.length) return [];
  return [buffers[i].subarray(n), ...buffers.slice(i + 1)];
}
