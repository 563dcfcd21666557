// `npm run bench`: runs every benchmark in turn (each prints its figures as ratios/goals).
import { spawnSync } from 'node:child_process';

for (const bench of ['bench/upload.ts', 'bench/deployments.ts']) {
  console.log(`\n== ${bench}`);
  const r = spawnSync(process.execPath, [bench], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
