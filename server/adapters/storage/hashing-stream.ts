// A pass-through stream that hashes (SHA-256) and counts the bytes flowing through it, and fails with
// ObjectTooLargeError as soon as more than `maxBytes` arrive. Both storage implementations put one in
// front of their writer, so the digest and size are computed while streaming, never from a buffer.
import crypto from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ObjectTooLargeError } from './storage-adapter.ts';

export class HashingCounter extends Transform {
  readonly #hash = crypto.createHash('sha256');
  readonly #maxBytes: number | undefined;
  #size = 0;
  #digest: string | undefined;

  constructor(maxBytes?: number) {
    super();
    if (maxBytes !== undefined && (!Number.isSafeInteger(maxBytes) || maxBytes < 0)) {
      throw new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
    }
    this.#maxBytes = maxBytes;
  }

  override _transform(chunk: unknown, encoding: BufferEncoding, callback: TransformCallback): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk, encoding) : Buffer.from(chunk as Uint8Array);
    this.#size += buf.length;
    if (this.#maxBytes !== undefined && this.#size > this.#maxBytes) {
      callback(new ObjectTooLargeError(this.#maxBytes));
      return;
    }
    this.#hash.update(buf);
    callback(null, buf);
  }

  override _flush(callback: TransformCallback): void {
    this.#digest = this.#hash.digest('hex');
    callback();
  }

  /** Bytes seen so far. (Not named `size`: lib-storage would take a `size` property for the body length.) */
  get byteCount(): number {
    return this.#size;
  }

  /** The SHA-256 hex digest; available once the stream has ended. */
  get sha256(): string {
    if (this.#digest === undefined) throw new Error('HashingCounter: digest read before the stream ended');
    return this.#digest;
  }
}
