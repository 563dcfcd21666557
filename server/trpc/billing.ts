// Credits & billing for the SPA (billing page, local checkout page): the same domain functions as
// rest/credits.ts.
import { checkoutSessionIdInput, creditHistoryQuery, topupInput } from '../domain/billing/billing-schemas.ts';
import { cancelCheckoutSession } from '../domain/billing/cancel-checkout-session.ts';
import { createTopupSession } from '../domain/billing/create-topup-session.ts';
import { getCheckoutSession } from '../domain/billing/get-checkout-session.ts';
import { payLocalCheckout } from '../domain/billing/pay-local-checkout.ts';
import { listCreditPackages } from '../domain/credits/credit-packages.ts';
import { getCreditBalance } from '../domain/credits/get-credit-balance.ts';
import { listCreditHistory } from '../domain/credits/list-credit-history.ts';
import { orgProcedure, router } from './init.ts';

export const billingRouter = router({
  /** credits, usageThisMonth, lastToppedUp, lowBalance (below LOW_BALANCE_THRESHOLD), lowBalanceThreshold. */
  balance: orgProcedure.query(({ ctx }) => getCreditBalance(ctx.domain)),

  /** Ledger, newest first; pass `cursor` = previous `nextCursor` (works with useInfiniteQuery). */
  history: orgProcedure.input(creditHistoryQuery.prefault({})).query(({ ctx, input }) => listCreditHistory(ctx.domain, input)),

  packages: orgProcedure.query(({ ctx }) => ({ ...listCreditPackages(ctx.services.config), provider: ctx.services.adapters.payments.kind })),

  /** Owners/admins: opens a Checkout Session; send the browser to `sessionUrl`. */
  topup: orgProcedure.input(topupInput).mutation(({ ctx, input }) => createTopupSession(ctx.domain, input)),

  /** The local checkout page (`/billing/checkout/<id>`) and the return from Stripe. */
  localCheckout: router({
    get: orgProcedure.input(checkoutSessionIdInput).query(({ ctx, input }) => getCheckoutSession(ctx.domain, input.id)),
    pay: orgProcedure.input(checkoutSessionIdInput).mutation(({ ctx, input }) => payLocalCheckout(ctx.domain, input.id)),
    cancel: orgProcedure.input(checkoutSessionIdInput).mutation(({ ctx, input }) => cancelCheckoutSession(ctx.domain, input.id)),
  }),
});
