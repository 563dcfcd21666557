import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client.ts';
import { createApp } from '../app.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, type TestApp } from '../test/harness.ts';

describe('rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_ANONYMOUS_PER_HOUR: '3', RATE_LIMIT_AUTHENTICATED_PER_HOUR: '4' });
  });
  afterAll(() => t.close());

  it('counts anonymous requests per IP and answers 429 RATE_LIMIT_EXCEEDED with Retry-After', async () => {
    const statuses: number[] = [];
    const remaining: (string | null)[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await t.request('/api/health');
      statuses.push(last.status);
      remaining.push(last.headers.get('x-ratelimit-remaining'));
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(remaining).toEqual(['2', '1', '0', '0']);
    expect(last!.body).toEqual({ error: expect.any(String), code: 'RATE_LIMIT_EXCEEDED' });
    const retryAfter = Number(last!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    const reset = Number(last!.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    expect(last!.headers.get('x-ratelimit-limit')).toBe('3');
  });

  it('counts authenticated requests per organization, across its keys, with the authenticated limit', async () => {
    const owner = await createUserFixture(t);
    const k1 = await createApiKeyFixture(t, owner, 'one');
    const k2 = await createApiKeyFixture(t, owner, 'two');
    const a = await t.request('/api/health', { token: k1.key });
    expect(a.headers.get('x-ratelimit-limit')).toBe('4');
    expect(a.headers.get('x-ratelimit-remaining')).toBe('3');
    const b = await t.request('/api/health', { token: k2.key });
    expect(b.headers.get('x-ratelimit-remaining')).toBe('2');
    await t.request('/api/health', { token: owner.token });
    await t.request('/api/health', { token: k1.key });
    const over = await t.request('/api/health', { token: k2.key });
    expect(over.status).toBe(429);
    // another organization has its own budget
    const other = await createUserFixture(t);
    const fresh = await t.request('/api/health', { token: other.token });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('x-ratelimit-remaining')).toBe('3');
  });

  it('shares the counts between server processes on one database', async () => {
    const owner = await createUserFixture(t);
    // a second app instance on the same database stands in for a second process
    const second = http.createServer(createApp({ services: t.services, database: t.database }));
    await new Promise<void>((r) => second.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(second.address() as { port: number }).port}`;
    try {
      await t.request('/api/health', { token: owner.token });
      const res = await fetch(`${url}/api/health`, { headers: { authorization: `Bearer ${owner.token}` } });
      expect(res.headers.get('x-ratelimit-remaining')).toBe('2');
    } finally {
      second.closeAllConnections();
      await new Promise((r) => second.close(r));
    }
  });

  it('counts concurrent requests exactly: each gets its own place in the count, the surplus gets 429', async () => {
    const owner = await createUserFixture(t);
    const key = await createApiKeyFixture(t, owner, 'burst');
    const responses = await Promise.all(Array.from({ length: 12 }, () => t.request('/api/health', { token: key.key })));
    const ok = responses.filter((r) => r.status === 200);
    expect(ok).toHaveLength(4);
    expect(ok.map((r) => r.headers.get('x-ratelimit-remaining')).sort()).toEqual(['0', '1', '2', '3']);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(8);
    const [row] = await queryRows<{ hits: number }>(t.db, sql`select hits from rate_limit_counters where key = ${`rl:org:${owner.orgId}`}`);
    expect(Number(row.hits)).toBe(12);
  });

  it('counts an API-key request with its key lookup in the REST allowance only; the dashboard transport has its own', async () => {
    const owner = await createUserFixture(t);
    const key = await createApiKeyFixture(t, owner, 'split');
    const ui = await t.request('/api/trpc/auth.session', { token: key.key });
    expect(ui.headers.get('x-ratelimit-limit')).toBe('40'); // ten times the REST allowance
    const rest = await t.request('/api/health', { token: key.key });
    expect(rest.headers.get('x-ratelimit-remaining')).toBe('3');
    const rows = await queryRows<{ key: string; hits: number }>(t.db, sql`select key, hits from rate_limit_counters where key like ${`%org:${owner.orgId}`} order by key`);
    expect(rows.map((r) => [r.key, Number(r.hits)])).toEqual([
      [`rl-ui:org:${owner.orgId}`, 1],
      [`rl:org:${owner.orgId}`, 1],
    ]);
  });

  it('puts the headers on error responses too', async () => {
    const owner = await createUserFixture(t);
    const res = await t.request('/api/no-such-route', { token: owner.token });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-ratelimit-limit')).toBe('4');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('3');
  });
});
