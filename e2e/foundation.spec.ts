// The foundation flow in a real browser: sign up → open the verification mail from the outbox →
// verify → log in → create an API key, copy it, call the API with it → invite a member → log out.
import { expect, test } from '@playwright/test';
import { latestMailTo, signUpAndLogIn } from './support.ts';

test('sign up, verify, log in, create and use an API key, invite a member, log out', async ({ page, request, context }) => {
  const email = `e2e-${Date.now()}@example.com`;
  const password = 'a-long-enough-password';

  await signUpAndLogIn(page, request, email, password, 'E2E Robotics');
  await expect(page.getByText('E2E Robotics').first()).toBeVisible();

  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('button', { name: 'Create API key' }).first().click();
  await page.getByRole('dialog').getByLabel('Name').fill('CI key');
  await page.getByRole('dialog').getByRole('button', { name: /create/i }).click();
  const keyField = page.getByTestId('new-api-key');
  await expect(keyField).toBeVisible();
  const shownKey = (await keyField.inputValue().catch(() => null)) ?? (await keyField.textContent()) ?? '';
  expect(shownKey).toMatch(/^pac_[A-Za-z0-9]{32,}$/);
  await page.getByRole('button', { name: 'Copy' }).click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(shownKey);

  const apiContext = await (await import('@playwright/test')).request.newContext({ baseURL: page.url() });
  const res = await apiContext.get('/api/organizations/current', { headers: { authorization: `Bearer ${copied}` } });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.organization.name).toBe('E2E Robotics');
  expect(body.role).toBe('owner');
  await apiContext.dispose();
  await page.keyboard.press('Escape');

  await page.getByRole('link', { name: 'Organization' }).click();
  await page.getByRole('button', { name: 'Invite member' }).first().click();
  const invitee = `invitee-${Date.now()}@example.com`;
  await page.getByRole('dialog').getByLabel('Email').fill(invitee);
  await page.getByRole('dialog').getByRole('button', { name: /invite|send/i }).click();
  await expect(page.getByText(invitee)).toBeVisible();
  const invitation = await latestMailTo(request, invitee);
  expect(invitation.text).toContain('/accept-invitation?token=');

  await page.getByRole('button', { name: new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }).click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
  const session = await context.request.get('/api/auth/session');
  expect(session.status()).toBe(401);
});
