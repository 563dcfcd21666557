// POST /api/usage/events: the runtime reports agent invocations. In ONE transaction the event is
// inserted (an (org, event_id) seen before is a duplicate: the stored event is returned and nothing
// is charged again), its credits are debited through the ledger (402 when the balance is short —
// then nothing is recorded) and the daily roll-up grows. Reporters: the runtime with RUNTIME_TOKEN
// (any app; the event belongs to the app's organization) or an API key (apps of its organization).
import { and, eq } from 'drizzle-orm';
import { agentApps, organizations, usageEvents } from '../../../db/schema/index.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { applyCreditChange } from '../credits/apply-credit-change.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { recordUsageEvent, type UsageEventRow } from './record-usage-events.ts';
import type { UsageEventInput } from './usage-schemas.ts';

/** Clock skew tolerated for occurred_at in the future. */
const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

export type ReportedInvocation = { event: UsageEventRow; duplicate: boolean; balance: number };

export async function reportInvocation(ctx: DomainCtx, input: UsageEventInput, opts: { runtime: boolean }): Promise<ReportedInvocation> {
  let scopeOrgId: string | null = null;
  if (!opts.runtime) {
    const actor = requireOrgActor(ctx);
    if (actor.kind !== 'apiKey') throw forbidden('Usage events are reported by the runtime (RUNTIME_TOKEN) or with an API key');
    scopeOrgId = actor.orgId;
  }
  const now = ctx.now();
  const occurredAt = input.occurred_at ? new Date(input.occurred_at) : now;
  if (occurredAt.getTime() > now.getTime() + MAX_FUTURE_SKEW_MS) {
    throw new AppError('VALIDATION_ERROR', 'Invalid request', { details: [{ path: 'occurred_at', message: 'must not be in the future' }] });
  }

  return ctx.db.transaction(async (tx) => {
    const [app] = await tx
      .select({ id: agentApps.id, orgId: agentApps.orgId, name: agentApps.name })
      .from(agentApps)
      .where(scopeOrgId ? and(eq(agentApps.id, input.agent_app_id), eq(agentApps.orgId, scopeOrgId)) : eq(agentApps.id, input.agent_app_id));
    if (!app) throw notFound('Agent app');

    const event = await recordUsageEvent(tx, {
      orgId: app.orgId,
      appId: app.id,
      appName: app.name,
      type: 'invocation',
      quantity: input.count,
      credits: input.credits,
      description: input.count === 1 ? `Agent '${app.name}' invoked` : `Agent '${app.name}' invoked ${input.count} times`,
      eventId: input.event_id ?? null,
      metadata: opts.runtime ? { reported_by: 'runtime' } : { reported_by: 'api_key', api_key_id: ctx.actor.kind === 'apiKey' ? ctx.actor.apiKeyId : null },
      occurredAt,
    });
    if (!event) {
      // Same (organization, event_id) as an earlier report: answer with what was recorded then.
      const [existing] = await tx.select().from(usageEvents).where(and(eq(usageEvents.orgId, app.orgId), eq(usageEvents.eventId, input.event_id!)));
      const [org] = await tx.select({ credits: organizations.credits }).from(organizations).where(eq(organizations.id, app.orgId));
      return { event: existing, duplicate: true, balance: org.credits };
    }
    let balance: number;
    if (input.credits > 0) {
      ({ balanceAfter: balance } = await applyCreditChange(tx, {
        orgId: app.orgId,
        amount: -input.credits,
        type: 'usage',
        description: input.count === 1 ? `Agent invocation: ${app.name}` : `Agent invocation: ${app.name} (${input.count} calls)`,
      }));
    } else {
      const [org] = await tx.select({ credits: organizations.credits }).from(organizations).where(eq(organizations.id, app.orgId));
      balance = org.credits;
    }
    return { event, duplicate: false, balance };
  });
}
