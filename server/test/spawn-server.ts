// Test helper: runs the real server (`node server/main.ts`) as a child process, for tests that need
// several processes or that kill one. Waits for GET /api/health to answer 200, captures every line
// the process writes, and kills whatever is still running when the test process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export type ExitStatus = { code: number | null; signal: NodeJS.Signals | null };

export type SpawnedServer = {
  name: string;
  url: string;
  port: number;
  pid: number;
  /** Every line the process wrote to stdout and stderr (pino JSON lines mostly). */
  logs: string[];
  /** Resolves when the process has exited. */
  exited: Promise<ExitStatus>;
  /** Sends `signal` (default SIGTERM) and resolves once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<ExitStatus>;
  /** Graceful stop: SIGTERM, then SIGKILL if still running after `graceMs` (default 20 s). */
  stop(graceMs?: number): Promise<ExitStatus>;
};

export type SpawnOptions = {
  /** A label for error messages. */
  name?: string;
  /** Fixed port (default: a free one). */
  port?: number;
  /** How long to wait for /api/health to answer 200 (default 60 s). */
  readyTimeoutMs?: number;
};

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Starts `node server/main.ts` with a minimal environment (PATH, HOME, TMPDIR) plus `env`: PORT, HOST,
 * PUBLIC_URL and NODE_ENV=test are filled in unless given. The test runner's own variables (TEST_DB,
 * DATABASE_URL, …) are not passed on.
 */
export async function spawnServer(env: Record<string, string>, options: SpawnOptions = {}): Promise<SpawnedServer> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const name = options.name ?? `server:${port}`;
  const baseEnv: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[k] !== undefined) baseEnv[k] = process.env[k] as string;
  const child = spawn(process.execPath, ['server/main.ts'], {
    cwd: root,
    env: { ...baseEnv, NODE_ENV: 'test', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${process.execPath}`);
  running.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }

  const logs: string[] = [];
  const capture = (stream: NodeJS.ReadableStream) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') logs.push(line);
    });
    stream.on('end', () => {
      if (rest.trim() !== '') logs.push(rest);
    });
  };
  capture(child.stdout!);
  capture(child.stderr!);

  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  let exitStatus: ExitStatus | undefined;
  void exited.then((s) => (exitStatus = s));

  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (exitStatus) return exitStatus;
    child.kill(signal);
    return exited;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exitStatus) throw new Error(`${name} exited (${JSON.stringify(exitStatus)}) before it was ready:\n${logs.slice(-30).join('\n')}`);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await kill('SIGKILL');
      throw new Error(`${name} did not become healthy in time:\n${logs.slice(-30).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    name,
    url,
    port,
    pid: child.pid,
    logs,
    exited,
    kill,
    async stop(graceMs = 20_000) {
      if (exitStatus) return exitStatus;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The parsed JSON log lines of a server (lines that are not JSON are left out). */
export function jsonLogs(server: Pick<SpawnedServer, 'logs'>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of server.logs) {
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a plain line (e.g. an uncaught error printed by node)
    }
  }
  return out;
}
