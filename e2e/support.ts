// Shared helpers of the end-to-end specs.
import { expect, type APIRequestContext } from '@playwright/test';

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

