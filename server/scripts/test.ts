// `npm test`: typecheck, lint, the server suites on PGlite (and on PostgreSQL when
// TEST_DATABASE_URL is set), the SPA build, and the Playwright end-to-end suite in Chromium.
import { spawnSync } from 'node:child_process';

type Step = { name: string; cmd: string[]; env?: Record<string, string> };

const steps: Step[] = [
  { name: 'typecheck', cmd: ['npm', 'run', '--silent', 'typecheck'] },
  { name: 'lint', cmd: ['npm', 'run', '--silent', 'lint'] },
  { name: 'server tests on PGlite', cmd: ['npm', 'run', '--silent', 'test:server'], env: { TEST_DB: 'pglite' } },
];
if (process.env.TEST_DATABASE_URL) {
  steps.push({ name: 'server tests on PostgreSQL', cmd: ['npm', 'run', '--silent', 'test:server'], env: { TEST_DB: 'postgres' } });
} else {
  console.log('note: TEST_DATABASE_URL is not set, the server suites run on PGlite only (.ci/run sets it)');
}
steps.push({ name: 'build', cmd: ['npm', 'run', '--silent', 'build'] });
if (process.env.SKIP_E2E !== '1') steps.push({ name: 'end-to-end (Chromium)', cmd: ['npm', 'run', '--silent', 'test:e2e'] });

const results: { name: string; ok: boolean; seconds: number }[] = [];
for (const step of steps) {
  console.log(`\n== ${step.name}`);
  const started = Date.now();
  const r = spawnSync(step.cmd[0], step.cmd.slice(1), { stdio: 'inherit', env: { ...process.env, ...step.env } });
  const ok = r.status === 0;
  results.push({ name: step.name, ok, seconds: Math.round((Date.now() - started) / 100) / 10 });
  if (!ok) break;
}

console.log('\n== summary');
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds}s)`);
const failed = results.some((r) => !r.ok);
process.exit(failed ? 1 : 0);
