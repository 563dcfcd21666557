// GET /api/deployments/queue/stats: counts by status, health and average processing time.
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.ts';
import type { Services } from '../context.ts';

export type QueueStats = {
  stats: { queued: number; processing: number; completed: number; failed: number; total: number };
  health: { status: 'healthy' | 'warning' | 'critical'; message: string };
  metrics: { avgProcessingTimeSeconds: number; lastUpdated: string };
};

/**
 * Queue-wide figures (the queue is shared by every organization). `critical` when a job is still
 * processing past its lease (a worker died and nothing resumed it); `warning` when more than
 * QUEUE_WARNING_DEPTH jobs wait or over QUEUE_WARNING_FAILURE_RATE of the last hour's finished
 * deployments failed.
 */
export async function getQueueStats(services: Pick<Services, 'db' | 'config' | 'now'>): Promise<QueueStats> {
  const [row] = await queryRows<Record<string, string | number | null>>(
    services.db,
    sql`select
      count(*) filter (where status = 'queued') as queued,
      count(*) filter (where status = 'processing') as processing,
      count(*) filter (where status = 'completed') as completed,
      count(*) filter (where status in ('failed', 'cancelled')) as failed,
      count(*) as total,
      count(*) filter (where status = 'processing' and lease_expires_at < now() - interval '5 seconds') as stuck,
      count(*) filter (where status in ('failed') and completed_at > now() - interval '1 hour') as failed_recent,
      count(*) filter (where status in ('completed', 'failed') and completed_at > now() - interval '1 hour') as finished_recent,
      coalesce(avg(extract(epoch from (completed_at - started_at))) filter (where status = 'completed' and started_at is not null), 0) as avg_seconds
    from deployments`,
  );
  const n = (k: string) => Number(row?.[k] ?? 0);
  const stats = { queued: n('queued'), processing: n('processing'), completed: n('completed'), failed: n('failed'), total: n('total') };
  const cfg = services.config.deployments;
  const failureRate = n('finished_recent') > 0 ? n('failed_recent') / n('finished_recent') : 0;
  let health: QueueStats['health'] = { status: 'healthy', message: 'Queue is operating normally' };
  if (n('stuck') > 0) {
    health = { status: 'critical', message: `${n('stuck')} job(s) stuck in processing past their lease` };
  } else if (stats.queued > cfg.warningDepth) {
    health = { status: 'warning', message: `High queue depth: ${stats.queued} jobs waiting` };
  } else if (n('finished_recent') >= 4 && failureRate > cfg.warningFailureRate) {
    health = { status: 'warning', message: `High failure rate: ${Math.round(failureRate * 100)}% of deployments failed in the last hour` };
  }
  return { stats, health, metrics: { avgProcessingTimeSeconds: Math.round(n('avg_seconds')), lastUpdated: services.now().toISOString() } };
}
