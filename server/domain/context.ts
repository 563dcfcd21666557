// The context every domain function receives. Transports build it; domain code never touches
// express or tRPC objects.
import type { Logger } from 'pino';
import type { Db } from '../../db/client.ts';
import type { Role } from '../../db/schema/index.ts';
import type { Config } from '../config.ts';
import type { MailAdapter } from '../adapters/mail/mail-adapter.ts';
import type { PaymentsAdapter } from '../adapters/payments/payments-adapter.ts';
import type { RuntimeAdapter } from '../adapters/runtime/runtime-adapter.ts';
import type { StorageAdapter } from '../adapters/storage/storage-adapter.ts';
import { AppError, forbidden, unauthorized } from './errors.ts';
import type { AuthLucia } from './auth/session-store.ts';
import type { SecretBox } from './crypto/secret-box.ts';
import type { AppMetrics } from '../metrics.ts';
import type { FeedSubscribe } from './deployments/follow-deployment.ts';

export type Adapters = {
  mail: MailAdapter;
  storage: StorageAdapter;
  runtime: RuntimeAdapter;
  payments: PaymentsAdapter;
};

/** Who is acting. A session actor has a user; an API-key actor has a key and acts as its org. */
export type Actor =
  | { kind: 'anonymous'; ip?: string }
  | {
      kind: 'session';
      userId: string;
      sessionId: string;
      orgId: string | null;
      role: Role | null;
      ip?: string;
    }
  | { kind: 'apiKey'; apiKeyId: string; orgId: string; role: Role; userId: string | null; ip?: string };

export type Services = {
  db: Db;
  config: Config;
  adapters: Adapters;
  lucia: AuthLucia;
  /** Encrypts secrets at rest (webhook secrets, deploy-time env, app secrets). */
  secrets: SecretBox;
  /** Prometheus metrics of this process. */
  metrics: AppMetrics;
  /** Live deployment events (LISTEN/NOTIFY fan-out). */
  feed: { subscribe: FeedSubscribe; close(): Promise<void> };
  log: Logger;
  now: () => Date;
};

export type DomainCtx = Services & { actor: Actor };

/** An actor that belongs to an organization (a session with an active org, or an API key). */
export type OrgActor = Extract<Actor, { kind: 'session' | 'apiKey' }> & { orgId: string; role: Role };

export function requireOrgActor(ctx: DomainCtx): OrgActor {
  const a = ctx.actor;
  if (a.kind === 'anonymous') throw unauthorized();
  if (!a.orgId || !a.role) {
    throw new AppError('FORBIDDEN', 'You are not a member of any organization');
  }
  return a as OrgActor;
}

export function requireSessionActor(ctx: DomainCtx): Extract<Actor, { kind: 'session' }> {
  if (ctx.actor.kind !== 'session') {
    if (ctx.actor.kind === 'anonymous') throw unauthorized();
    throw forbidden('This action needs a signed-in user, not an API key');
  }
  return ctx.actor;
}

const RANK: Record<Role, number> = { member: 0, admin: 1, owner: 2 };

/** Throws FORBIDDEN unless the actor's role is at least `min`. */
export function requireRole(ctx: DomainCtx, min: Role): OrgActor {
  const actor = requireOrgActor(ctx);
  if (RANK[actor.role] < RANK[min]) {
    throw forbidden(`This action requires the ${min} role or higher`);
  }
  return actor;
}

export function actorUserId(actor: Actor): string | null {
  return actor.kind === 'anonymous' ? null : actor.userId;
}
