// `npm run bench`: runs every benchmark in turn (each prints its figures as ratios/goals).
import { spawnSync } from 'node:child_process';

// The PostgreSQL ones (deployments, usage-chart, usage-export, load) print a skip line without
// BENCH_DATABASE_URL / TEST_DATABASE_URL.
const benches = ['bench/upload.ts', 'bench/deployments.ts', 'bench/usage-chart.ts', 'bench/usage-export.ts', 'bench/load.ts', 'bench/page-weight.ts'];
for (const bench of benches) {
  console.log(`\n== ${bench}`);
  const r = spawnSync(process.execPath, [bench], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
