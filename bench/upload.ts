// Upload benchmark: a 500 MiB APKG streamed to POST /api/agent-apps/:id/packages (validation
// included) against piping the same bytes into a file, in the same run. Prints the speed ratio and
// the server's RSS growth (sampled from /proc every 20 ms). Goal: ratio ≥ 0.5, RSS growth < 64 MiB.
// Rounds (BENCH_UPLOAD_ROUNDS, 3) each pipe the file, then upload it, back to back, so that both
// sides meet the same machine: in this VM, page-cache memory freed a few seconds earlier is handed
// back to the host and costs ~2 ms per MiB to touch again, which a baseline measured at another
// moment than the upload would not pay. After a round its copy and its package are deleted. The
// figure is the median of the rounds' ratios.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buildApkgToFile } from './build-big-apkg.ts';
import { api, median, mib, signUpWithKey, startServer, tempDir } from './lib.ts';

const SIZE = Number(process.env.BENCH_UPLOAD_MIB ?? 500) * 1024 * 1024;

const dir = tempDir('pixell-bench-upload-');
const apkgPath = path.join(dir, 'big.apkg');
await buildApkgToFile(apkgPath, SIZE);
const bytes = fs.statSync(apkgPath).size;
console.log(`package: ${mib(bytes)} MiB`);

const ROUNDS = Number(process.env.BENCH_UPLOAD_ROUNDS ?? 3);

const server = await startServer({ DATA_DIR: path.join(dir, 'data'), REQUIRE_EMAIL_VERIFICATION: 'false', MAX_PACKAGE_BYTES: String(SIZE * 2), DEPLOYMENT_WORKER: 'off' });
try {
  const { key } = await signUpWithKey(server.url);
  const app = await fetch(`${server.url}/api/agent-apps`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ name: 'big' }) });
  const appId = ((await app.json()) as { app: { id: string } }).app.id;
  const boundary = `----pixell${crypto.randomBytes(8).toString('hex')}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="version"\r\n\r\n1.0.0\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="agent.apkg"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  async function* body() {
    yield Buffer.from(head);
    yield* fs.createReadStream(apkgPath, { highWaterMark: 1024 * 1024 });
    yield Buffer.from(tail);
  }
  /** Pipes the package into a file (the baseline); resolves to MiB/s. */
  async function pipeToFile(target: string): Promise<number> {
    const t0 = performance.now();
    await pipeline(fs.createReadStream(apkgPath), fs.createWriteStream(target));
    return bytes / 1024 / 1024 / ((performance.now() - t0) / 1000);
  }
  /** Uploads the package; resolves to MiB/s, the RSS growth of the server and the package id. */
  async function upload(): Promise<{ mibs: number; rssGrowth: number; packageId: string }> {
    const rssBefore = server.rssBytes();
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, server.rssBytes())), 20);
    const t1 = performance.now();
    // A plain node:http client streaming the body (fetch with a web stream body costs this 2-core
    // machine more CPU than the server's own work, and the client is not what is measured).
    const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      let answered = false; // an early answer (e.g. 413) ends the body: read it rather than the write error
      const req = http.request(
        `${server.url}/api/agent-apps/${appId}/packages`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + bytes + tail.length) },
        },
        (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
          response.on('error', reject);
        },
      );
      req.on('error', (err) => answered || reject(err));
      pipeline(Readable.from(body()), req).catch((err: unknown) => answered || reject(err));
    });
    const uploadMs = performance.now() - t1;
    clearInterval(sampler);
    if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${res.text}`);
    const packageId = (JSON.parse(res.text) as { package: { id: string } }).package.id;
    return { mibs: bytes / 1024 / 1024 / (uploadMs / 1000), rssGrowth: rssPeak - rssBefore, packageId };
  }

  const ratios: number[] = [];
  let rssGrowth = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const copy = path.join(dir, 'copy.bin');
    const baseline = await pipeToFile(copy);
    const up = await upload();
    ratios.push(up.mibs / baseline);
    rssGrowth = Math.max(rssGrowth, up.rssGrowth);
    console.log(`round ${round}: pipe to file ${baseline.toFixed(0)} MiB/s, upload (stream → storage + validate) ${up.mibs.toFixed(0)} MiB/s, ratio ${(up.mibs / baseline).toFixed(2)}, server RSS growth ${mib(up.rssGrowth)} MiB`);
    fs.rmSync(copy);
    await api(server.url, key, 'DELETE', `/api/agent-apps/${appId}/packages/${up.packageId}`);
  }
  console.log(`speed ratio: ${median(ratios).toFixed(2)} (median of ${ROUNDS} rounds; goal ≥ 0.50)`);
  console.log(`server RSS growth: ${mib(rssGrowth)} MiB (largest of the rounds; goal < 64 MiB)`);
} finally {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
