// CRC-32 (the zip polynomial) of a byte range of a file, from the CRC-32s of its aligned blocks
// (computed while the file was being stored: see adapters/storage/file-hash-worker.ts) combined
// with zlib's crc32_combine arithmetic, reading only the unaligned head and tail of the range.
import zlib from 'node:zlib';

/** CRC-32 of each aligned block of `blockBytes` of a file (the last one may be shorter). */
export type BlockCrc32 = { blockBytes: number; crcs: Uint32Array };

const POLY = 0xedb88320;

/** (a × b) modulo the CRC polynomial, both as reflected 32-bit polynomials (zlib's multmodp). */
function multmodp(a: number, b: number): number {
  if (a === 0) return 0;
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** X2N[k] = x^(2^k) modulo the polynomial. */
const X2N: number[] = [];
for (let k = 0, p = 0x40000000; k < 32; k++) {
  X2N.push(p);
  p = multmodp(p, p);
}

/** x^(n × 2^k) modulo the polynomial (zlib's x2nmodp). */
function x2nmodp(n: number, k: number): number {
  let p = 0x80000000;
  while (n > 0) {
    if (n % 2 === 1) p = multmodp(X2N[k & 31], p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/** CRC-32 of A‖B from crc(A), crc(B) and B's length (zlib's crc32_combine). */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multmodp(x2nmodp(lengthB, 3), crcA) ^ crcB) >>> 0;
}

/**
 * CRC-32 of `length` bytes of `file` from `start`: the whole blocks inside the range come from
 * `blocks`; the partial ones at both ends are read (at most two blocks). Null when `blocks` does
 * not cover the range (the caller then reads the range itself).
 */
/** Positional reads (a FileHandle is one). */
export interface PositionalReader {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

export async function crc32OfRange(file: PositionalReader, blocks: BlockCrc32, start: number, length: number): Promise<number | null> {
  const size = blocks.blockBytes;
  const end = start + length;
  const firstWhole = Math.ceil(start / size);
  const endWhole = Math.floor(end / size);
  if (endWhole <= firstWhole) return crc32OfBytes(file, start, length);
  if (endWhole > blocks.crcs.length) return null;
  const headBytes = firstWhole * size - start;
  let crc = await crc32OfBytes(file, start, headBytes);
  const shift = x2nmodp(size, 3);
  for (let i = firstWhole; i < endWhole; i++) crc = (multmodp(shift, crc) ^ blocks.crcs[i]) >>> 0;
  const tailBytes = end - endWhole * size;
  return crc32Combine(crc, await crc32OfBytes(file, endWhole * size, tailBytes), tailBytes);
}

async function crc32OfBytes(file: PositionalReader, start: number, length: number): Promise<number> {
  if (length === 0) return 0;
  const buf = Buffer.allocUnsafe(length);
  const { bytesRead } = await file.read(buf, 0, length, start);
  if (bytesRead !== length) throw new Error('unexpected EOF');
  return zlib.crc32(buf);
}
