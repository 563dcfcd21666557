import crypto from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32Combine, crc32OfRange } from './crc32-ranges.ts';

const data = crypto.randomBytes(3 * 65536 + 4321);
const blockBytes = 65536;
const blocks = () => {
  const crcs: number[] = [];
  for (let at = 0; at < data.length; at += blockBytes) crcs.push(zlib.crc32(data.subarray(at, at + blockBytes)));
  return { blockBytes, crcs: Uint32Array.from(crcs) };
};
let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'crc32-ranges-'));
  file = path.join(dir, 'data.bin');
  await writeFile(file, data);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('crc32Combine', () => {
  it('gives the CRC-32 of two pieces put together, as zlib computes it', () => {
    for (const [a, b] of [[0, 0], [0, 17], [17, 0], [1, 1], [1000, 65536], [65536, 3], [123_456, 65_537]]) {
      const whole = data.subarray(0, a + b);
      expect(crc32Combine(zlib.crc32(whole.subarray(0, a)), zlib.crc32(whole.subarray(a)), b), `${a}+${b}`).toBe(zlib.crc32(whole));
    }
  });
});

describe('crc32OfRange', () => {
  it('derives the CRC-32 of any range from the block CRCs and its unaligned ends', async () => {
    const fh = await open(file, 'r');
    try {
      const ranges = [
        [0, data.length],
        [0, 0],
        [5, 0],
        [blockBytes, blockBytes],
        [blockBytes - 1, 2],
        [10, 2 * blockBytes],
        [blockBytes + 1, data.length - blockBytes - 1],
        [data.length - 1, 1],
      ];
      for (let i = 0; i < 50; i++) {
        const start = crypto.randomInt(0, data.length);
        ranges.push([start, crypto.randomInt(0, data.length - start + 1)]);
      }
      for (const [start, length] of ranges) {
        expect(await crc32OfRange(fh, blocks(), start, length), `${start}+${length}`).toBe(zlib.crc32(data.subarray(start, start + length)));
      }
    } finally {
      await fh.close();
    }
  });

  it('says so (null) when the block CRCs do not reach the range', async () => {
    const fh = await open(file, 'r');
    try {
      expect(await crc32OfRange(fh, { blockBytes, crcs: blocks().crcs.subarray(0, 1) }, 0, 3 * blockBytes)).toBeNull();
    } finally {
      await fh.close();
    }
  });
});
