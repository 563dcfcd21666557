// Section 8 (POST /api/stripe/webhook) and the Stripe mode of POST /api/credits/topup. Payloads are
// signed with the SDK's stripe.webhooks.generateTestHeaderString; the SDK is pointed (host, port,
// protocol) at a local stub of Stripe's HTTP API to check the exact Checkout Session request.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import { checkoutFulfillments, checkoutSessions, creditTransactions, organizations, users } from '../../db/schema/index.ts';
import { createStripePayments } from '../adapters/payments/stripe-payments.ts';
import { createUserFixture, startTestApp, type Fixture, type TestApp } from '../test/harness.ts';

const SECRET_KEY = 'sk_test_pixell_123';
const WEBHOOK_SECRET = 'whsec_test_pixell_secret';
const stripe = new Stripe(SECRET_KEY);

type StubRequest = { method: string; url: string; headers: http.IncomingHttpHeaders; form: URLSearchParams };

/** A local stand-in for api.stripe.com: records requests and answers Checkout Session creation. */
async function startStripeStub() {
  const requests: StubRequest[] = [];
  let failNext = false;
  let counter = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, form: new URLSearchParams(body) });
      res.setHeader('content-type', 'application/json');
      res.setHeader('request-id', `req_stub_${requests.length}`);
      if (req.method === 'POST' && req.url === '/v1/checkout/sessions') {
        if (failNext) {
          failNext = false;
          res.statusCode = 400;
          res.end(JSON.stringify({ error: { type: 'invalid_request_error', message: 'Amount must be at least 50 cents' } }));
          return;
        }
        counter += 1;
        const id = `cs_test_stub${counter}`;
        res.end(JSON.stringify({ id, object: 'checkout.session', url: `https://checkout.stripe.com/c/pay/${id}`, expires_at: Math.floor(Date.now() / 1000) + 86_400, mode: 'payment' }));
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    failOnce: () => (failNext = true),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let t: TestApp;
let stub: Awaited<ReturnType<typeof startStripeStub>>;
let owner: Fixture;

beforeAll(async () => {
  t = await startTestApp({ STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, RATE_LIMIT_ANONYMOUS_PER_HOUR: '100000' });
  stub = await startStripeStub();
  t.services.adapters.payments = createStripePayments({ secretKey: SECRET_KEY, api: { host: '127.0.0.1', port: stub.port, protocol: 'http' }, log: t.services.log });
  owner = await createUserFixture(t, { credits: 100 });
});
afterAll(async () => {
  await stub.close();
  await t.close();
});

const balanceOf = async (orgId: string) => (await t.db.select().from(organizations).where(eq(organizations.id, orgId)))[0].credits;
const ledgerSum = async (orgId: string) =>
  Number((await queryRows<{ s: string }>(t.db, sql`select coalesce(sum(amount), 0) as s from credit_transactions where org_id = ${orgId}`))[0].s);

let eventCounter = 0;
function checkoutEvent(type: string, session: Record<string, unknown>): { id: string; object: string; type: string; data: { object: Record<string, unknown> } } & Record<string, unknown> {
  eventCounter += 1;
  return { id: `evt_test_${eventCounter}`, object: 'event', api_version: '2025-01-01', created: Math.floor(Date.now() / 1000), type, data: { object: { object: 'checkout.session', ...session } } };
}

async function deliver(event: unknown, opts: { secret?: string; timestamp?: number; signature?: string | null; rawPayload?: string } = {}) {
  const payload = opts.rawPayload ?? JSON.stringify(event);
  const header = opts.signature === undefined ? stripe.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? WEBHOOK_SECRET, timestamp: opts.timestamp }) : opts.signature;
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (header !== null) headers['stripe-signature'] = header;
  return t.request('/api/stripe/webhook', { method: 'POST', body: payload, headers });
}

describe('POST /api/credits/topup with Stripe', () => {
  beforeEach(() => {
    stub.requests.length = 0;
  });

  it('creates a Checkout Session through the SDK with the exact parameters and answers {sessionUrl, sessionId}', async () => {
    const res = await t.request('/api/credits/topup', { method: 'POST', token: owner.token, json: { package: 'starter', credits: 1000 } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sessionUrl: 'https://checkout.stripe.com/c/pay/cs_test_stub1', sessionId: 'cs_test_stub1' });

    expect(stub.requests).toHaveLength(1);
    const r = stub.requests[0];
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/v1/checkout/sessions');
    expect(r.headers.authorization).toBe(`Bearer ${SECRET_KEY}`);
    expect(r.headers['idempotency-key']).toMatch(/^topup_[0-9a-f-]{36}$/);
    const form = Object.fromEntries(r.form.entries());
    expect(form).toEqual({
      mode: 'payment',
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '1000',
      'line_items[0][price_data][product_data][name]': '1,000 Pixell credits',
      'line_items[0][price_data][product_data][description]': 'Starter credit top-up',
      'metadata[organizationId]': owner.orgId,
      'metadata[userId]': owner.userId,
      'metadata[credits]': '1000',
      'metadata[package]': 'starter',
      'payment_intent_data[metadata][organizationId]': owner.orgId,
      'payment_intent_data[metadata][userId]': owner.userId,
      'payment_intent_data[metadata][credits]': '1000',
      'payment_intent_data[metadata][package]': 'starter',
      client_reference_id: owner.orgId,
      customer_email: owner.email,
      success_url: `${t.config.publicUrl}/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${t.config.publicUrl}/billing?checkout=cancelled`,
    });

    const [row] = await t.db.select().from(checkoutSessions).where(eq(checkoutSessions.id, 'cs_test_stub1'));
    expect(row).toMatchObject({ orgId: owner.orgId, provider: 'stripe', status: 'open', credits: 1000, amountCents: 1000 });
    expect(await balanceOf(owner.orgId)).toBe(100);
  });

  it('prices custom amounts at CREDIT_PRICE_CENTS per credit', async () => {
    const res = await t.request('/api/credits/topup', { method: 'POST', token: owner.token, json: { package: 'custom', credits: 2500 } });
    expect(res.status).toBe(200);
    const form = stub.requests[0].form;
    expect(form.get('line_items[0][price_data][unit_amount]')).toBe('2500');
    expect(form.get('metadata[package]')).toBe('custom');
    expect(form.get('metadata[credits]')).toBe('2500');
  });

  it('maps a Stripe API error to 502 PAYMENT_PROVIDER_ERROR and records nothing', async () => {
    const before = (await t.db.select().from(checkoutSessions)).length;
    stub.failOnce();
    const res = await t.request('/api/credits/topup', { method: 'POST', token: owner.token, json: { package: 'pro' } });
    expect(res.status).toBe(502);
    expect(res.body.code).toBe('PAYMENT_PROVIDER_ERROR');
    expect((await t.db.select().from(checkoutSessions)).length).toBe(before);
  });

  it('never lets a Stripe session be paid through the local checkout route', async () => {
    const res = await t.request('/api/credits/checkout/cs_test_stub1/pay', { method: 'POST', token: owner.token });
    expect(res.status).toBe(409);
    expect(await balanceOf(owner.orgId)).toBe(100);
  });
});

describe('POST /api/stripe/webhook', () => {
  it('checkout.session.completed (paid) credits the organization once and answers {received: true}', async () => {
    const before = await balanceOf(owner.orgId);
    const event = checkoutEvent('checkout.session.completed', {
      id: 'cs_test_stub1',
      payment_status: 'paid',
      amount_total: 1000,
      currency: 'usd',
      metadata: { organizationId: owner.orgId, userId: owner.userId, credits: '1000', package: 'starter' },
    });
    const res = await deliver(event);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true });
    expect(await balanceOf(owner.orgId)).toBe(before + 1000);
    const [session] = await t.db.select().from(checkoutSessions).where(eq(checkoutSessions.id, 'cs_test_stub1'));
    expect(session.status).toBe('completed');
    const [fulfilment] = await t.db.select().from(checkoutFulfillments).where(eq(checkoutFulfillments.sessionId, 'cs_test_stub1'));
    expect(fulfilment).toMatchObject({ orgId: owner.orgId, credits: 1000, source: 'stripe', stripeEventId: event.id, amountCents: 1000 });
    const [tx] = await t.db.select().from(creditTransactions).where(eq(creditTransactions.id, fulfilment.creditTransactionId!));
    expect(tx).toMatchObject({ type: 'purchase', amount: 1000, balanceAfter: before + 1000 });

    // Redelivery and the later async event for the same session change nothing.
    expect((await deliver(event)).status).toBe(200);
    expect((await deliver(checkoutEvent('checkout.session.async_payment_succeeded', { id: 'cs_test_stub1', payment_status: 'paid', metadata: event.data.object.metadata }))).status).toBe(200);
    expect(await balanceOf(owner.orgId)).toBe(before + 1000);
    expect(await ledgerSum(owner.orgId)).toBe(await balanceOf(owner.orgId));
  });

  it('20 concurrent deliveries of one Checkout event credit exactly once', async () => {
    const org = await createUserFixture(t, { credits: 0 });
    const event = checkoutEvent('checkout.session.completed', {
      id: 'cs_test_concurrent',
      payment_status: 'paid',
      metadata: { organizationId: org.orgId, userId: org.userId, credits: '5000', package: 'pro' },
    });
    const results = await Promise.all(Array.from({ length: 20 }, () => deliver(event)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await balanceOf(org.orgId)).toBe(5000);
    const purchases = await t.db.select().from(creditTransactions).where(eq(creditTransactions.orgId, org.orgId));
    expect(purchases.filter((p) => p.type === 'purchase')).toHaveLength(1);
    expect(await ledgerSum(org.orgId)).toBe(5000);
  });

  it('waits for async_payment_succeeded when the completed session is not paid yet', async () => {
    const org = await createUserFixture(t, { credits: 0 });
    const metadata = { organizationId: org.orgId, credits: '1000', package: 'starter' };
    expect((await deliver(checkoutEvent('checkout.session.completed', { id: 'cs_test_async', payment_status: 'unpaid', metadata }))).status).toBe(200);
    expect(await balanceOf(org.orgId)).toBe(0);
    expect((await deliver(checkoutEvent('checkout.session.async_payment_succeeded', { id: 'cs_test_async', payment_status: 'paid', metadata }))).status).toBe(200);
    expect(await balanceOf(org.orgId)).toBe(1000);
  });

  it('honours the documented metadata: without organizationId the user’s current organization is credited', async () => {
    const user = await createUserFixture(t, { credits: 0 });
    const second = await createUserFixture(t, { credits: 0 });
    // The user also belongs to a second organization, which is their current (default) one.
    await t.db.execute(sql`insert into memberships (org_id, user_id, role) values (${second.orgId}, ${user.userId}, 'admin')`);
    await t.db.update(users).set({ defaultOrgId: second.orgId }).where(eq(users.id, user.userId));
    const res = await deliver(checkoutEvent('checkout.session.completed', { id: 'cs_live_documented', payment_status: 'paid', metadata: { userId: user.userId, credits: '1000' } }));
    expect(res.status).toBe(200);
    expect(await balanceOf(second.orgId)).toBe(1000);
    expect(await balanceOf(user.orgId)).toBe(0);
  });

  it('refuses a missing, wrong, stale or tampered signature with 400 and changes nothing', async () => {
    const org = await createUserFixture(t, { credits: 0 });
    const event = checkoutEvent('checkout.session.completed', { id: 'cs_test_forged', payment_status: 'paid', metadata: { organizationId: org.orgId, credits: '25000' } });
    const payload = JSON.stringify(event);
    const cases = [
      await deliver(event, { signature: null }),
      await deliver(event, { secret: 'whsec_someone_else' }),
      await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
      await deliver(event, { signature: 't=123,v1=deadbeef' }),
      await deliver(event, { rawPayload: payload.replace('25000', '99999'), signature: stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) }),
    ];
    for (const res of cases) {
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: expect.any(String), code: 'VALIDATION_ERROR' });
    }
    expect(await balanceOf(org.orgId)).toBe(0);
    expect(await t.db.select().from(checkoutFulfillments).where(eq(checkoutFulfillments.sessionId, 'cs_test_forged'))).toEqual([]);
  });

  it('acknowledges other event types with 200 and ignores them', async () => {
    const before = await balanceOf(owner.orgId);
    for (const type of ['payment_intent.succeeded', 'customer.created', 'charge.refunded']) {
      const res = await deliver({ id: `evt_other_${type}`, object: 'event', type, data: { object: { id: 'pi_123', object: 'payment_intent', metadata: { organizationId: owner.orgId, credits: '1000' } } } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: true });
    }
    expect(await balanceOf(owner.orgId)).toBe(before);
  });

  it('marks our session expired on checkout.session.expired', async () => {
    const created = await t.request('/api/credits/topup', { method: 'POST', token: owner.token, json: { package: 'scale' } });
    const res = await deliver(checkoutEvent('checkout.session.expired', { id: created.body.sessionId, payment_status: 'unpaid' }));
    expect(res.status).toBe(200);
    const view = await t.request(`/api/credits/checkout/${created.body.sessionId}`, { token: owner.token });
    expect(view.body.session.status).toBe('expired');
  });

  it('is 400 when STRIPE_WEBHOOK_SECRET is not configured', async () => {
    const other = await startTestApp();
    try {
      const payload = JSON.stringify(checkoutEvent('checkout.session.completed', { id: 'cs_x', payment_status: 'paid', metadata: {} }));
      const res = await other.request('/api/stripe/webhook', {
        method: 'POST',
        body: payload,
        headers: { 'content-type': 'application/json', 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) },
      });
      expect(res.status).toBe(400);
    } finally {
      await other.close();
    }
  });
});
