// Writes a valid APKG of about `bytes` bytes: a small agent plus one large stored (uncompressed)
// random file, streamed by yazl so the benchmark never holds it in memory.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';

export async function buildApkgToFile(filePath: string, bytes: number, version = '1.0.0'): Promise<void> {
  const zip = new yazl.ZipFile();
  const agentYaml = [
    'name: big-agent',
    'display_name: Big Agent',
    'description: Benchmark package',
    'author: Bench',
    'license: MIT',
    'entrypoint: src.main:handler',
    'metadata:',
    `  version: ${version}`,
    '',
  ].join('\n');
  zip.addBuffer(Buffer.from(agentYaml), 'agent.yaml');
  zip.addBuffer(Buffer.from('API_KEY=placeholder\n'), '.env');
  zip.addBuffer(Buffer.from('def handler(event):\n    return event\n'), 'src/main.py');
  let left = bytes;
  const chunk = crypto.randomBytes(1024 * 1024);
  const data = Readable.from(
    (function* () {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        yield n === chunk.length ? chunk : chunk.subarray(0, n);
      }
    })(),
  );
  zip.addReadStream(data, 'assets/model.bin', { compress: false, size: bytes });
  zip.end();
  await pipeline(zip.outputStream as unknown as NodeJS.ReadableStream, fs.createWriteStream(filePath));
}
