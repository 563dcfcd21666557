// Playwright runs the real app (`node server/main.ts` on the built SPA, fresh PGlite data dir) in
// Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium). Never downloads a browser.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { E2E_CRON_SECRET } from './support.ts';

const port = Number(process.env.E2E_PORT ?? 4010);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixell-e2e-'));
export const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  outputDir: path.join(os.tmpdir(), 'pixell-e2e-results'),
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    permissions: ['clipboard-read', 'clipboard-write'],
  },
  webServer: {
    command: 'node server/main.ts',
    cwd: path.resolve(import.meta.dirname, '..'),
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    // No inline worker: specs drive deployments through the cron route, so a page can be watched
    // while a deployment it already shows moves on (proves live updates without a reload).
    env: { PORT: String(port), DATA_DIR: dataDir, PUBLIC_URL: baseURL, NODE_ENV: 'test', LOG_LEVEL: 'warn', DEPLOYMENT_WORKER: 'off', CRON_SECRET: E2E_CRON_SECRET },
  },
});
