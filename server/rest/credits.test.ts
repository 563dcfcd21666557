// Section 6 of the REST doc: balance, history, top-up with the embedded local checkout (Pay goes
// through the same fulfilment function as the Stripe webhook), roles, tenancy, bad input.
import { eq, sql } from 'drizzle-orm';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import { auditLogs, checkoutFulfillments, creditTransactions, organizations } from '../../db/schema/index.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, type Fixture, type TestApp } from '../test/harness.ts';

let t: TestApp;
let owner: Fixture;
let member: Fixture;
let stranger: Fixture;
let ownerKey: string;

beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_AUTHENTICATED_PER_HOUR: '100000', RATE_LIMIT_ANONYMOUS_PER_HOUR: '100000' });
  owner = await createUserFixture(t, { credits: 100 });
  member = await createUserFixture(t, { orgId: owner.orgId, role: 'member' });
  stranger = await createUserFixture(t, { credits: 7 });
  ownerKey = (await createApiKeyFixture(t, owner)).key;
});
afterAll(() => t.close());

const balanceOf = async (orgId: string) => (await t.db.select().from(organizations).where(eq(organizations.id, orgId)))[0].credits;
const ledgerSum = async (orgId: string) =>
  Number((await queryRows<{ s: string }>(t.db, sql`select coalesce(sum(amount), 0) as s from credit_transactions where org_id = ${orgId}`))[0].s);

async function topup(token: string, json: unknown) {
  return t.request('/api/credits/topup', { method: 'POST', token, json });
}

describe('GET /api/credits/balance', () => {
  it('answers the documented shape for any member', async () => {
    for (const who of [owner, member]) {
      const res = await t.request('/api/credits/balance', { token: who.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ credits: 100, usage_this_month: 0, last_topped_up: null });
    }
    const key = await t.request('/api/credits/balance', { token: ownerKey });
    expect(key.body.credits).toBe(100);
  });

  it('is 401 without credentials and shows each organization only its own balance', async () => {
    expect((await t.request('/api/credits/balance')).status).toBe(401);
    expect((await t.request('/api/credits/balance', { token: stranger.token })).body.credits).toBe(7);
  });
});

describe('POST /api/credits/topup and the local checkout', () => {
  it('lists the configured packages', async () => {
    const res = await t.request('/api/credits/packages', { token: member.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      packages: [
        { id: 'starter', name: 'Starter', credits: 1000, price_cents: 1000, currency: 'usd' },
        { id: 'pro', name: 'Pro', credits: 5000, price_cents: 4500, currency: 'usd' },
        { id: 'scale', name: 'Scale', credits: 25000, price_cents: 20000, currency: 'usd' },
      ],
      custom: { min_credits: 100, max_credits: 100000, price_cents_per_credit: 1, currency: 'usd' },
      provider: 'local',
    });
  });

  it('refuses bad input with 400 VALIDATION_ERROR', async () => {
    const cases: unknown[] = [
      {},
      { package: 'gold' },
      { package: 'starter', credits: 999 },
      { package: 'custom' },
      { package: 'custom', credits: 99 },
      { credits: 100001 },
      { credits: 1.5 },
      { credits: '1000' },
      { credits: -5 },
    ];
    for (const json of cases) {
      const res = await topup(owner.token, json);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(Array.isArray(res.body.details)).toBe(true);
    }
  });

  it('is for owners and admins: a member gets 403, anonymous 401', async () => {
    expect((await topup(member.token, { package: 'starter' })).status).toBe(403);
    expect((await t.request('/api/credits/topup', { method: 'POST', json: { package: 'starter' } })).status).toBe(401);
  });

  it('opens a local checkout: sessionUrl is a page of the app; Pay credits once; paying again changes nothing', async () => {
    const res = await topup(owner.token, { package: 'starter', credits: 1000 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sessionUrl: expect.any(String), sessionId: expect.stringMatching(/^cs_local_[A-Za-z0-9]{24}$/) });
    const id = res.body.sessionId;
    expect(res.body.sessionUrl).toBe(`${t.config.publicUrl}/billing/checkout/${id}`);

    const view = await t.request(`/api/credits/checkout/${id}`, { token: member.token });
    expect(view.status).toBe(200);
    expect(view.body.session).toMatchObject({
      id,
      status: 'open',
      provider: 'local',
      package: 'starter',
      credits: 1000,
      amount_cents: 1000,
      currency: 'usd',
      payable: true,
      success_url: `${t.config.publicUrl}/billing?checkout=success&session_id=${id}`,
      cancel_url: `${t.config.publicUrl}/billing?checkout=cancelled`,
    });
    expect(await balanceOf(owner.orgId)).toBe(100); // nothing credited before payment

    // A member may look but not pay; another organization does not see the session at all.
    expect((await t.request(`/api/credits/checkout/${id}/pay`, { method: 'POST', token: member.token })).status).toBe(403);
    expect((await t.request(`/api/credits/checkout/${id}`, { token: stranger.token })).status).toBe(404);
    expect((await t.request(`/api/credits/checkout/${id}/pay`, { method: 'POST', token: stranger.token })).status).toBe(404);

    const paid = await t.request(`/api/credits/checkout/${id}/pay`, { method: 'POST', token: owner.token });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ session: { id, status: 'completed', payable: false, completed_at: expect.any(String) }, balance: 1100 });
    const again = await t.request(`/api/credits/checkout/${id}/pay`, { method: 'POST', token: owner.token });
    expect(again.status).toBe(200);
    expect(again.body.session.status).toBe('completed');
    expect(await balanceOf(owner.orgId)).toBe(1100);
    expect(await ledgerSum(owner.orgId)).toBe(1100);
    expect(await t.db.select().from(checkoutFulfillments).where(eq(checkoutFulfillments.sessionId, id))).toHaveLength(1);
    expect((await t.request(`/api/credits/checkout/${id}/cancel`, { method: 'POST', token: owner.token })).status).toBe(409);

    const balance = await t.request('/api/credits/balance', { token: member.token });
    expect(balance.body).toEqual({ credits: 1100, usage_this_month: 0, last_topped_up: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });

    const audit = await t.db.select().from(auditLogs).where(eq(auditLogs.resourceId, id));
    expect(audit.map((a) => a.action).sort()).toEqual(['credits.checkout', 'credits.purchase']);
  });

  it('concurrent Pay clicks credit once', async () => {
    const before = await balanceOf(owner.orgId);
    const { body } = await topup(owner.token, { credits: 250 });
    const results = await Promise.all(Array.from({ length: 10 }, () => t.request(`/api/credits/checkout/${body.sessionId}/pay`, { method: 'POST', token: owner.token })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await balanceOf(owner.orgId)).toBe(before + 250);
    expect(await ledgerSum(owner.orgId)).toBe(before + 250);
  });

  it('Cancel closes the session; a cancelled session cannot be paid', async () => {
    const before = await balanceOf(owner.orgId);
    const { body } = await topup(ownerKey, { package: 'pro' });
    const cancelled = await t.request(`/api/credits/checkout/${body.sessionId}/cancel`, { method: 'POST', token: owner.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.session).toMatchObject({ status: 'cancelled', payable: false, cancelled_at: expect.any(String) });
    const pay = await t.request(`/api/credits/checkout/${body.sessionId}/pay`, { method: 'POST', token: owner.token });
    expect(pay.status).toBe(409);
    expect(pay.body.code).toBe('CONFLICT');
    expect(await balanceOf(owner.orgId)).toBe(before);
  });

  it('an unknown or malformed session id is 404 / 400', async () => {
    expect((await t.request('/api/credits/checkout/cs_local_doesnotexist', { token: owner.token })).status).toBe(404);
    expect((await t.request('/api/credits/checkout/not-a-session', { token: owner.token })).status).toBe(400);
  });
});

describe('GET /api/credits/history', () => {
  let org: Fixture;

  beforeAll(async () => {
    org = await createUserFixture(t, { credits: 50 });
    // Four purchases through the local checkout, after the signup grant.
    for (let i = 0; i < 4; i++) {
      const { body } = await topup(org.token, { credits: 100 + i });
      await t.request(`/api/credits/checkout/${body.sessionId}/pay`, { method: 'POST', token: org.token });
    }
  });

  it('lists the ledger newest first in the documented shape', async () => {
    const res = await t.request('/api/credits/history', { token: org.token });
    expect(res.status).toBe(200);
    expect(res.body.transactions).toHaveLength(5);
    expect(res.body.transactions[0]).toEqual({
      id: expect.any(String),
      type: 'purchase',
      amount: 103,
      balance_after: 50 + 100 + 101 + 102 + 103,
      description: 'Credit top-up: 103 credits (custom)',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(res.body.transactions.map((x: { amount: number }) => x.amount)).toEqual([103, 102, 101, 100, 50]);
    expect(res.body.transactions.at(-1).type).toBe('grant');
    expect(res.body.next_cursor).toBeNull();
    // Another organization's rows never appear.
    const ids = new Set(res.body.transactions.map((x: { id: string }) => x.id));
    const others = await t.db.select().from(creditTransactions).where(eq(creditTransactions.orgId, owner.orgId));
    expect(others.some((o) => ids.has(o.id))).toBe(false);
  });

  it('paginates with limit and cursor without gaps or repeats', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const res = await t.request(`/api/credits/history${q}`, { token: org.token });
      expect(res.status).toBe(200);
      seen.push(...res.body.transactions.map((x: { amount: number }) => x.amount));
      cursor = res.body.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([103, 102, 101, 100, 50]);
  });

  it('filters by type (one or several)', async () => {
    const grants = await t.request('/api/credits/history?type=grant', { token: org.token });
    expect(grants.body.transactions.map((x: { type: string }) => x.type)).toEqual(['grant']);
    const both = await t.request('/api/credits/history?type=grant,purchase&limit=100', { token: org.token });
    expect(both.body.transactions).toHaveLength(5);
    const none = await t.request('/api/credits/history?type=refund', { token: org.token });
    expect(none.body).toEqual({ transactions: [], next_cursor: null });
  });

  it('refuses bad parameters with 400', async () => {
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'type=bonus', 'cursor=nonsense', `cursor=${Buffer.from('2024-01-01|x').toString('base64url')}`]) {
      const res = await t.request(`/api/credits/history?${q}`, { token: org.token });
      expect(res.status, q).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
    }
    expect((await t.request('/api/credits/history')).status).toBe(401);
  });
});

describe('tRPC billing router', () => {
  const call = async (path: string, input: unknown, token: string, method: 'GET' | 'POST') => {
    const res =
      method === 'GET'
        ? await t.request(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`, { token })
        : await t.request(`/api/trpc/${path}`, { method: 'POST', token, json: superjson.serialize(input) });
    return { status: res.status, data: res.body?.result ? superjson.deserialize<any>(res.body.result.data) : undefined, error: res.body?.error };
  };

  it('balance, packages, topup and the local checkout behave like the REST routes', async () => {
    const org = await createUserFixture(t, { credits: 20 });
    const balance = await call('billing.balance', undefined, org.token, 'GET');
    expect(balance.data).toEqual({ credits: 20, usageThisMonth: 0, lastToppedUp: null, lowBalance: true, lowBalanceThreshold: 50 });
    const packages = await call('billing.packages', undefined, org.token, 'GET');
    expect(packages.data.packages.map((p: { id: string }) => p.id)).toEqual(['starter', 'pro', 'scale']);
    const created = await call('billing.topup', { package: 'starter' }, org.token, 'POST');
    expect(created.data.sessionUrl).toBe(`${t.config.publicUrl}/billing/checkout/${created.data.sessionId}`);
    const got = await call('billing.localCheckout.get', { id: created.data.sessionId }, org.token, 'GET');
    expect(got.data).toMatchObject({ status: 'open', credits: 1000, payable: true });
    const paid = await call('billing.localCheckout.pay', { id: created.data.sessionId }, org.token, 'POST');
    expect(paid.data).toMatchObject({ balance: 1020, session: { status: 'completed' } });
    const history = await call('billing.history', { limit: 1 }, org.token, 'GET');
    expect(history.data.transactions).toHaveLength(1);
    expect(history.data.nextCursor).toEqual(expect.any(String));
    const next = await call('billing.history', { limit: 1, cursor: history.data.nextCursor }, org.token, 'GET');
    expect(next.data.transactions[0].type).toBe('grant');
    const denied = await call('billing.topup', { package: 'gold' }, org.token, 'POST');
    expect(denied.status).toBe(400);
  });
});
