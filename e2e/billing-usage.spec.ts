// Credits and usage in a real browser: usage seeded through the API (an API key reports agent
// invocations with POST /api/usage/events) → the dashboard charts it, lists it and counts it → a
// top-up through the local checkout (cancelled once, then paid) updates the balance → the usage
// export downloads a CSV whose invocation rows are exactly the seeded events.
import fs from 'node:fs';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { latestMailTo, linkIn } from './support.ts';

const PASSWORD = 'a-long-enough-password';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

type SeededEvent = { event_id: string; count: number; credits: number; occurred_at: string };

async function signUpAndLogIn(page: Page, request: APIRequestContext, email: string, orgName: string): Promise<string> {
  const signup = await request.post('/api/auth/signup', { data: { email, password: PASSWORD, organizationName: orgName } });
  expect(signup.status()).toBe(201);
  const mail = await latestMailTo(request, email);
  const token = new URL(linkIn(mail.text, '/verify-email')).searchParams.get('token');
  expect((await request.post('/api/auth/verify-email', { data: { token } })).status()).toBe(200);

  // The browser logs in through the UI; the test also logs in through the API for a session token.
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: /log in|sign in/i }).click();
  await expect(page).toHaveURL(/\/$/);

  const login = await request.post('/api/auth/login', { data: { email, password: PASSWORD } });
  expect(login.status()).toBe(200);
  return ((await login.json()) as { session: { access_token: string } }).session.access_token;
}

/** "Nov 05" for a UTC day, like the chart's labels. */
function chartLabel(day: string): string {
  return `${MONTHS[Number(day.slice(5, 7)) - 1]} ${day.slice(8, 10)}`;
}

/** RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

test('seeded usage is charted, a top-up through the local checkout updates the balance, the CSV export matches', async ({ page, request }) => {
  test.setTimeout(120_000);
  const stamp = Date.now();
  const email = `billing-${stamp}@example.com`;
  const accessToken = await signUpAndLogIn(page, request, email, 'Usage Labs');
  const session = { authorization: `Bearer ${accessToken}` };

  // An app and an API key, through the REST API.
  const appName = 'e2e-usage-bot';
  const appRes = await request.post('/api/agent-apps', { headers: session, data: { name: appName, description: 'Reports usage in e2e' } });
  expect(appRes.status()).toBe(201);
  const appId = ((await appRes.json()) as { app: { id: string } }).app.id;
  const keyRes = await request.post('/api/api-keys', { headers: session, data: { name: 'usage reporter' } });
  expect(keyRes.status()).toBe(201);
  const apiKey = ((await keyRes.json()) as { apiKey: { key: string } }).apiKey.key;

  // Seed invocations over the last days (10 credits in all, from the 100 of the signup grant).
  const now = Date.now();
  const seeded: SeededEvent[] = [
    { event_id: `e2e-${stamp}-1`, count: 1, credits: 3, occurred_at: new Date(now - 2 * 86_400_000).toISOString() },
    { event_id: `e2e-${stamp}-2`, count: 4, credits: 5, occurred_at: new Date(now - 86_400_000).toISOString() },
    { event_id: `e2e-${stamp}-3`, count: 1, credits: 2, occurred_at: new Date(now - 10 * 60_000).toISOString() },
  ];
  for (const e of seeded) {
    const res = await request.post('/api/usage/events', {
      headers: { authorization: `Bearer ${apiKey}` },
      data: { agent_app_id: appId, type: 'invocation', ...e },
    });
    expect(res.status(), await res.text()).toBe(201);
  }
  const totalInvocations = seeded.reduce((n, e) => n + e.count, 0);
  const totalCredits = seeded.reduce((n, e) => n + e.credits, 0);
  const perDay = new Map<string, { invocations: number; credits: number }>();
  for (const e of seeded) {
    const day = e.occurred_at.slice(0, 10);
    const t = perDay.get(day) ?? { invocations: 0, credits: 0 };
    perDay.set(day, { invocations: t.invocations + e.count, credits: t.credits + e.credits });
  }

  // The dashboard: balance, metrics, the chart (recharts' SVG and its data table), recent activity.
  await page.goto('/');
  await expect(page.getByTestId('credit-balance')).toHaveText(String(100 - totalCredits));
  await expect(page.getByTestId('metric-invocations-value')).toHaveText(String(totalInvocations));
  await expect(page.getByTestId('metric-credits-value')).toHaveText(String(totalCredits));
  const chart = page.getByTestId('usage-chart');
  await expect(chart.locator('svg.recharts-surface')).toBeVisible();
  await expect(chart.locator('.recharts-area-curve')).toHaveCount(1);
  await expect(chart.locator('.recharts-line-curve')).toHaveCount(1);
  await expect(page.getByTestId('chart-total-invocations')).toHaveText(String(totalInvocations));
  await expect(page.getByTestId('chart-total-credits')).toHaveText(String(totalCredits));
  const table = page.getByRole('table', { name: /Invocations and credits used per day, last 30 days/ });
  await expect(table.getByRole('row')).toHaveCount(31);
  for (const [day, t] of perDay) {
    const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: chartLabel(day), exact: true }) });
    await expect(row.getByRole('cell')).toHaveText([String(t.invocations), String(t.credits)]);
  }
  const activity = page.getByTestId('activity-list');
  await expect(activity.getByText(`Agent '${appName}' invoked`, { exact: true }).first()).toBeVisible();
  await expect(activity.getByText(`Agent '${appName}' invoked 4 times`)).toBeVisible();
  // The 7-day range.
  await page.getByRole('radio', { name: 'Last 7 days' }).click();
  await expect(page).toHaveURL(/[?&]days=7/);
  await expect(page.getByRole('table', { name: /last 7 days/ }).getByRole('row')).toHaveCount(8);
  await expect(page.getByTestId('chart-total-invocations')).toHaveText(String(totalInvocations));

  // Top up from the dashboard, then cancel on the local checkout: nothing changes.
  await page.getByRole('button', { name: 'Top up', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Top up credits' });
  await dialog.getByRole('radio', { name: /^Pro/ }).click();
  await dialog.getByRole('button', { name: 'Continue to checkout' }).click();
  await expect(page).toHaveURL(/\/billing\/checkout\/cs_local_[A-Za-z0-9]+$/);
  await expect(page.getByTestId('checkout-credits')).toHaveText('5,000 credits');
  await page.getByRole('button', { name: 'Cancel and return' }).click();
  await expect(page).toHaveURL(/\/billing\?checkout=cancelled$/);
  await expect(page.getByTestId('checkout-cancelled')).toContainText('Checkout cancelled');
  await expect(page.getByTestId('credit-balance')).toHaveText(String(100 - totalCredits));

  // Buy the Starter package and pay on the local checkout: back on billing with the new balance.
  await page.getByRole('button', { name: 'Buy Starter' }).click();
  await expect(page).toHaveURL(/\/billing\/checkout\/cs_local_[A-Za-z0-9]+$/);
  await expect(page.getByTestId('checkout-credits')).toHaveText('1,000 credits');
  await page.getByRole('button', { name: 'Pay $10.00' }).click();
  await expect(page).toHaveURL(/\/billing\?checkout=success&session_id=cs_local_[A-Za-z0-9]+$/);
  const newBalance = (1000 + 100 - totalCredits).toLocaleString('en-US');
  await expect(page.getByTestId('checkout-success')).toContainText('1,000 credits added');
  await expect(page.getByTestId('checkout-success')).toContainText(`Your balance is now ${newBalance} credits`);
  await expect(page.getByTestId('credit-balance')).toHaveText(newBalance);
  const balance = await request.get('/api/credits/balance', { headers: session });
  expect(((await balance.json()) as { credits: number }).credits).toBe(1000 + 100 - totalCredits);

  // The ledger, filtered to purchases.
  await page.getByRole('combobox', { name: 'Type' }).click();
  await page.getByRole('option', { name: 'Purchase' }).click();
  await expect(page).toHaveURL(/[?&]type=purchase/);
  const ledger = page.getByTestId('transactions-table');
  await expect(ledger.getByRole('row')).toHaveCount(2);
  await expect(ledger.getByRole('row').nth(1)).toContainText('+1,000');
  await expect(ledger.getByRole('row').nth(1)).toContainText(newBalance);

  // Dashboard again: the balance and the purchase in the activity list.
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByTestId('credit-balance')).toHaveText(newBalance);
  await expect(page.getByTestId('activity-list')).toContainText('Purchased 1,000 credits');

  // Export the usage as CSV and compare its invocation rows with what was reported.
  await page.getByRole('link', { name: 'Usage', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Usage' })).toBeVisible();
  await expect(page.getByTestId('app-breakdown-table')).toContainText(appName);
  const firstDay = seeded[0].occurred_at.slice(0, 10);
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel('From', { exact: true }).fill(firstDay);
  await page.getByLabel('To', { exact: true }).fill(today);
  await page.getByRole('combobox', { name: 'Format' }).click();
  await page.getByRole('option', { name: 'CSV' }).click();
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe(`pixell-usage-${firstDay}-to-${today}.csv`);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  const [header, ...rows] = parseCsv(csv);
  expect(header).toEqual(['occurred_at', 'type', 'agent_app_id', 'agent_app_name', 'description', 'quantity', 'credits']);
  const col = (name: string) => header.indexOf(name);
  const invocations = rows
    .filter((r) => r[col('type')] === 'invocation')
    .map((r) => ({
      occurred_at: r[col('occurred_at')],
      agent_app_id: r[col('agent_app_id')],
      agent_app_name: r[col('agent_app_name')],
      quantity: Number(r[col('quantity')]),
      credits: Number(r[col('credits')]),
    }));
  expect(invocations).toEqual(
    seeded.map((e) => ({ occurred_at: e.occurred_at, agent_app_id: appId, agent_app_name: appName, quantity: e.count, credits: e.credits })),
  );
  await expect(page.getByText(/rows? exported/)).toBeVisible();
});
