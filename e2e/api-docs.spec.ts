// The interactive API reference (issue 5 §1): /api/docs renders Scalar from this server alone —
// under the app's Content-Security-Policy, with no request leaving the server — and shows the
// documented operations.
import { expect, test } from '@playwright/test';

test('the API reference renders the documented operations offline, within the CSP', async ({ page, baseURL }) => {
  const problems: string[] = [];
  const foreign: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(baseURL!) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
  });

  await page.goto('/api/docs');
  await expect(page).toHaveTitle(/reference/i);
  // Scalar renders the document's title and, in its sidebar, the operations grouped by tag.
  await expect(page.getByRole('heading', { name: 'Pixell Agent Cloud API' }).first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('link', { name: /Log in with email and password/ })).toHaveAttribute('href', '#tag/authentication/POST/api/auth/login');
  await expect(page.getByRole('link', { name: 'Agent apps', exact: true })).toBeVisible();

  expect(problems).toEqual([]);
  expect(foreign).toEqual([]);

  // The plain rendering stays available without JavaScript.
  const basic = await page.request.get('/api/docs?ui=basic');
  expect(basic.status()).toBe(200);
  expect(await basic.text()).toContain('/api/agent-apps');
});
