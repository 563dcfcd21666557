// Housekeeping: deletes export files whose links have expired, with their rows. Safe to run in
// several processes at once (rows are claimed with SKIP LOCKED; deleting a missing object succeeds).
// Rows go first, then objects: a failed object deletion is logged, never retried forever.
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.ts';
import type { Services } from '../context.ts';

export async function purgeExpiredUsageExports(services: Pick<Services, 'db' | 'adapters' | 'now' | 'log'>, batchSize = 100): Promise<number> {
  let purged = 0;
  for (;;) {
    const rows = await queryRows<{ storage_key: string }>(
      services.db,
      sql`delete from usage_exports where id in (
            select id from usage_exports where expires_at < ${services.now().toISOString()}::timestamptz
             order by expires_at limit ${batchSize} for update skip locked)
          returning storage_key`,
    );
    for (const r of rows) {
      await services.adapters.storage.delete(r.storage_key).catch((err: unknown) => services.log.warn({ err, key: r.storage_key }, 'could not delete an expired usage export'));
    }
    purged += rows.length;
    if (rows.length < batchSize) return purged;
  }
}
