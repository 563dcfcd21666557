// The deploy flow in a real browser: sign up → create an agent app → open the deploy wizard → choose
// an .apkg built by the test (the wizard reads its manifest and prefills the version) → review the
// cost against the balance → upload → the deployment view follows the deployment live (no reload)
// until it completes → the package is listed → the balance dropped by the cost.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { writeApkg } from '../server/apkg/testing/build-apkg.ts';
import { E2E_CRON_SECRET, signUpAndLogIn } from './support.ts';


const STEPS = ['validate_package', 'upload_to_s3', 'generate_metadata', 'notify_runtime', 'finalize'];

test('create an app, deploy an .apkg through the wizard and watch it go live', async ({ page, request }) => {
  test.setTimeout(120_000);
  const email = `deploy-${Date.now()}@example.com`;
  await signUpAndLogIn(page, request, email, 'a-long-enough-password', 'Deploy Labs');
  await expect(page.getByTestId('credit-balance')).toHaveText('100');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixell-e2e-apkg-'));
  const apkgPath = await writeApkg(path.join(dir, 'e2e-agent-1.2.3.apkg'), { name: 'e2e-agent', version: '1.2.3' });

  // Create the app.
  await page.getByRole('link', { name: 'Agent apps' }).click();
  await page.getByRole('button', { name: 'Create agent app' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill('e2e-agent');
  await dialog.getByLabel(/description/i).fill('Deployed by the end-to-end test');
  await dialog.getByRole('button', { name: 'Create agent app' }).click();
  await expect(page).toHaveURL(/\/apps\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1, name: 'e2e-agent' })).toBeVisible();
  await expect(page.getByText('Not deployed').first()).toBeVisible();

  // The wizard: file → details → review.
  await page.getByRole('link', { name: 'Deploy', exact: true }).click();
  await expect(page).toHaveURL(/\/apps\/[0-9a-f-]{36}\/deploy$/);
  await page.getByLabel('Package file').setInputFiles(apkgPath);
  await expect(page.getByTestId('chosen-file')).toHaveText('e2e-agent-1.2.3.apkg');
  await expect(page.getByTestId('manifest-version')).toHaveText('1.2.3');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByLabel('Version')).toHaveValue('1.2.3');
  await page.getByLabel(/release notes/i).fill('First release');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByTestId('review-version')).toHaveText('1.2.3');
  await expect(page.getByTestId('deploy-cost')).toHaveText('1 credit');
  await expect(page.getByTestId('deploy-balance')).toHaveText('100 credits');

  // Upload → straight to the live deployment view.
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(page).toHaveURL(/\/deployments\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  // A marker that a reload would wipe: the page must get to "completed" on its own.
  await page.evaluate(() => {
    (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
  });

  // The deployment waits in the queue (no inline worker in e2e) until the cron route runs it while
  // the page is open.
  await expect(page.getByTestId(`step-${STEPS[0]}`)).toHaveAttribute('data-status', 'pending');
  await expect(page.getByTestId('deployment-outcome')).toHaveCount(0);
  const cron = await request.post('/api/cron/process-deployments', { headers: { 'x-cron-secret': E2E_CRON_SECRET } });
  expect(await cron.json()).toMatchObject({ processed: true, status: 'completed' });

  const outcome = page.getByTestId('deployment-outcome');
  await expect(outcome).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(outcome).toContainText('Version 1.2.3 is live');
  for (const step of STEPS) await expect(page.getByTestId(`step-${step}`)).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId('steps-done')).toHaveText('5 of 5 steps completed');
  await expect(page.getByRole('log', { name: 'Deployment log' })).toContainText('1.2.3');
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  // The Packages tab lists the version, live.
  await page.getByRole('link', { name: 'e2e-agent' }).first().click();
  await page.getByRole('tab', { name: /packages/i }).click();
  const row = page.getByTestId('package-1.2.3');
  await expect(row).toBeVisible();
  await expect(row).toContainText('v1.2.3');
  await expect(row).toContainText('Live');
  await expect(page.getByTestId('live-version')).toHaveText('v1.2.3 live');

  // The balance dropped by the cost.
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByTestId('credit-balance')).toHaveText('99');

  fs.rmSync(dir, { recursive: true, force: true });
});
