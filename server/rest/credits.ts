// Section 6 of the REST doc: credits & billing (balance, history, top-up), plus the package list
// and the local checkout's session routes used by the billing pages.
import { Router } from 'express';
import { checkoutSessionIdInput, creditHistoryQuery, topupInput } from '../domain/billing/billing-schemas.ts';
import { cancelCheckoutSession } from '../domain/billing/cancel-checkout-session.ts';
import { createTopupSession } from '../domain/billing/create-topup-session.ts';
import { getCheckoutSession, type CheckoutSessionView } from '../domain/billing/get-checkout-session.ts';
import { payLocalCheckout } from '../domain/billing/pay-local-checkout.ts';
import { requireOrgActor, type Services } from '../domain/context.ts';
import { listCreditPackages } from '../domain/credits/credit-packages.ts';
import { getCreditBalance } from '../domain/credits/get-credit-balance.ts';
import { listCreditHistory } from '../domain/credits/list-credit-history.ts';
import { domainCtx } from '../http/request-context.ts';
import { iso, parseInput } from './parse.ts';

export function checkoutSessionJson(s: CheckoutSessionView) {
  return {
    id: s.id,
    status: s.status,
    provider: s.provider,
    package: s.package,
    credits: s.credits,
    amount_cents: s.amountCents,
    currency: s.currency,
    url: s.url,
    payable: s.payable,
    success_url: s.successUrl,
    cancel_url: s.cancelUrl,
    created_at: iso(s.createdAt),
    expires_at: iso(s.expiresAt),
    completed_at: iso(s.completedAt),
    cancelled_at: iso(s.cancelledAt),
  };
}

export function creditRoutes(services: Services): Router {
  const r = Router();

  r.get('/credits/balance', async (req, res) => {
    const b = await getCreditBalance(domainCtx(services, req));
    res.json({ credits: b.credits, usage_this_month: b.usageThisMonth, last_topped_up: iso(b.lastToppedUp) });
  });

  r.get('/credits/history', async (req, res) => {
    const ctx = domainCtx(services, req);
    requireOrgActor(ctx);
    const { transactions, nextCursor } = await listCreditHistory(ctx, parseInput(creditHistoryQuery, req.query));
    res.json({
      transactions: transactions.map((t) => ({
        id: t.id,
        type: t.type,
        amount: t.amount,
        balance_after: t.balanceAfter,
        description: t.description,
        created_at: iso(t.createdAt),
      })),
      next_cursor: nextCursor,
    });
  });

  r.get('/credits/packages', async (req, res) => {
    requireOrgActor(domainCtx(services, req));
    const offer = listCreditPackages(services.config);
    res.json({
      packages: offer.packages.map((p) => ({ id: p.id, name: p.name, credits: p.credits, price_cents: p.priceCents, currency: p.currency })),
      custom: { min_credits: offer.custom.min, max_credits: offer.custom.max, price_cents_per_credit: offer.custom.priceCentsPerCredit, currency: offer.custom.currency },
      provider: services.adapters.payments.kind,
    });
  });

  r.post('/credits/topup', async (req, res) => {
    const ctx = domainCtx(services, req);
    requireOrgActor(ctx);
    const session = await createTopupSession(ctx, parseInput(topupInput, req.body));
    res.json({ sessionUrl: session.sessionUrl, sessionId: session.sessionId });
  });

  r.get('/credits/checkout/:id', async (req, res) => {
    const ctx = domainCtx(services, req);
    requireOrgActor(ctx);
    const { id } = parseInput(checkoutSessionIdInput, req.params);
    res.json({ session: checkoutSessionJson(await getCheckoutSession(ctx, id)) });
  });

  r.post('/credits/checkout/:id/pay', async (req, res) => {
    const ctx = domainCtx(services, req);
    requireOrgActor(ctx);
    const { id } = parseInput(checkoutSessionIdInput, req.params);
    const { session, balance } = await payLocalCheckout(ctx, id);
    res.json({ session: checkoutSessionJson(session), balance });
  });

  r.post('/credits/checkout/:id/cancel', async (req, res) => {
    const ctx = domainCtx(services, req);
    requireOrgActor(ctx);
    const { id } = parseInput(checkoutSessionIdInput, req.params);
    res.json({ session: checkoutSessionJson(await cancelCheckoutSession(ctx, id)) });
  });

  return r;
}
