// Shared helpers of the end-to-end specs.
import { expect, type APIRequestContext, type Page } from '@playwright/test';

/** The cron secret the e2e server runs with (see playwright.config.ts). */
export const E2E_CRON_SECRET = 'e2e-cron-secret';

export type OutboxMessage = { id: string; to: string; subject: string; text: string; html: string; created_at: string };

export async function latestMailTo(request: APIRequestContext, to: string): Promise<OutboxMessage> {
  let found: OutboxMessage | undefined;
  await expect
    .poll(async () => {
      const res = await request.get('/api/dev/outbox');
      const { messages } = (await res.json()) as { messages: OutboxMessage[] };
      found = messages.find((m) => m.to === to);
      return found !== undefined;
    })
    .toBe(true);
  return found!;
}

export function linkIn(text: string, path: string): string {
  const m = new RegExp(`https?://[^\\s"'<>]+${path}\\?token=[A-Za-z0-9_-]+`).exec(text);
  if (!m) throw new Error(`no ${path} link in mail: ${text}`);
  return m[0];
}


/** Signs up through the UI, verifies the email from the outbox and logs in. */
export async function signUpAndLogIn(page: Page, request: APIRequestContext, email: string, password: string, orgName: string) {
  await page.goto('/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Organization name').fill(orgName);
  await page.getByRole('button', { name: /sign up|create account/i }).click();
  await expect(page.getByText(/check your email/i)).toBeVisible();
  const mail = await latestMailTo(request, email);
  await page.goto(linkIn(mail.text, '/verify-email'));
  await expect(page.getByText(/verified/i).first()).toBeVisible();
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /log in|sign in/i }).click();
  await expect(page).toHaveURL(/\/$/);
}
