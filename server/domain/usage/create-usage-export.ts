// POST /api/usage/export: renders the organization's usage events of whole UTC days
// [startDate, endDate] as CSV or JSON, streaming straight into storage (nothing proportional to the
// export is held in memory): a CSV on PostgreSQL comes from COPY (copy-usage-events-csv.ts), anything
// else from a keyset cursor rendered by usage-export-format.ts (the same bytes). It answers a link
// that works without a session for EXPORT_URL_TTL_SECONDS: presigned GET in S3 mode, the app's
// HMAC-signed download route otherwise (tampered or expired → 403), served as an attachment with a
// descriptive name.
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { usageExports } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { actorUserId, requireOrgActor, type DomainCtx } from '../context.ts';
import { copyUsageEventsCsv, postgresClientOf } from './copy-usage-events-csv.ts';
import { addDays, dayStart } from './usage-days.ts';
import { iterateUsageEvents } from './iterate-usage-events.ts';
import { renderUsageExport } from './usage-export-format.ts';
import type { UsageExportInput } from './usage-schemas.ts';

export async function createUsageExport(ctx: DomainCtx, input: UsageExportInput): Promise<{ downloadUrl: string; expiresAt: Date; rows: number }> {
  const actor = requireOrgActor(ctx);
  const storage = ctx.adapters.storage;
  const id = crypto.randomUUID();
  const key = `orgs/${actor.orgId}/exports/${id}.${input.format}`;
  const fileName = `pixell-usage-${input.startDate}-to-${input.endDate}.${input.format}`;
  const range = { from: dayStart(input.startDate), to: dayStart(addDays(input.endDate, 1)) };

  const { body, rows: countRows } = await openUsageExport(ctx, actor.orgId, input.format, range);
  const stored = await storage.put(key, body, { contentType: input.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8' });
  const rows = countRows();

  const ttlSeconds = ctx.config.usageExport.urlTtlSeconds;
  const expiresAt = new Date(ctx.now().getTime() + ttlSeconds * 1000);
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.insert(usageExports).values({
        id,
        orgId: actor.orgId,
        requestedBy: actorUserId(actor),
        format: input.format,
        startDate: input.startDate,
        endDate: input.endDate,
        storageKey: key,
        rowCount: rows,
        sizeBytes: stored.size,
        expiresAt,
      });
      await recordAudit(tx, actor, {
        orgId: actor.orgId,
        action: 'usage.export',
        resourceType: 'usage_export',
        resourceId: id,
        metadata: { format: input.format, start_date: input.startDate, end_date: input.endDate, rows },
      });
    });
  } catch (err) {
    await storage.delete(key).catch(() => undefined);
    throw err;
  }
  const downloadUrl = await storage.signedUrl(key, { ttlSeconds, fileName });
  return { downloadUrl, expiresAt, rows };
}

/**
 * The export's bytes: a CSV on PostgreSQL comes straight from COPY; otherwise (PGlite, JSON) rows are
 * read in keyset batches and rendered here. Both read only as fast as storage takes the bytes.
 */
async function openUsageExport(
  ctx: DomainCtx,
  orgId: string,
  format: UsageExportInput['format'],
  range: { from: Date; to: Date },
): Promise<{ body: Readable; rows(): number }> {
  const postgres = format === 'csv' ? postgresClientOf(ctx.db) : null;
  if (postgres) return copyUsageEventsCsv(postgres, orgId, range);
  let rows = 0;
  const body = Readable.from(
    renderUsageExport(iterateUsageEvents(ctx.db, orgId, range), format, () => {
      rows += 1;
    }),
    { objectMode: false, encoding: 'utf8' },
  );
  return { body, rows: () => rows };
}
