// Writes an audit row. Call it with the transaction of the change it records.
import type { DbOrTx } from '../../db/client.ts';
import { auditLogs } from '../../db/schema/index.ts';
import type { Actor } from './context.ts';

export async function recordAudit(
  tx: DbOrTx,
  actor: Actor,
  entry: {
    orgId: string | null;
    action: string;
    resourceType: string;
    resourceId?: string | null;
    metadata?: Record<string, unknown>;
  },
): Promise<void> {
  await tx.insert(auditLogs).values({
    orgId: entry.orgId,
    actorUserId: actor.kind === 'anonymous' ? null : actor.userId,
    actorApiKeyId: actor.kind === 'apiKey' ? actor.apiKeyId : null,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId ?? null,
    metadata: entry.metadata ?? null,
    ip: actor.ip ?? null,
  });
}
