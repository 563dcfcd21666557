// The webhook payload of a deployment event (section 10 of the REST doc).
import type { DbOrTx } from '../../../db/client.ts';
import type { deployments, WebhookEvent } from '../../../db/schema/index.ts';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event.ts';

type DeploymentRow = typeof deployments.$inferSelect;

export function deploymentWebhookData(d: DeploymentRow, extra: { s3Url?: string | null } = {}) {
  const duration = d.startedAt && d.completedAt ? Math.round((d.completedAt.getTime() - d.startedAt.getTime()) / 1000) : null;
  return {
    deployment_id: d.id,
    agent_app_id: d.appId,
    package_id: d.packageId,
    version: d.version,
    status: publicDeploymentStatus(d.status),
    duration_seconds: duration,
    s3_url: extra.s3Url ?? null,
    ...(d.error ? { error: d.error } : {}),
  };
}

/** The four public statuses clients know; a cancelled deployment reads as failed (with its error). */
export function publicDeploymentStatus(status: DeploymentRow['status']): 'queued' | 'processing' | 'completed' | 'failed' {
  return status === 'cancelled' ? 'failed' : status;
}

export async function enqueueDeploymentWebhook(tx: DbOrTx, d: DeploymentRow, event: WebhookEvent, extra: { s3Url?: string | null } = {}) {
  await enqueueWebhookEvent(tx, { orgId: d.orgId, appId: d.appId, event, data: deploymentWebhookData(d, extra) });
}
