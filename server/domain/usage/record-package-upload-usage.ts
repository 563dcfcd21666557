// The usage event of a package upload, written inside the upload's transaction.
import type { DbOrTx } from '../../../db/client.ts';
import { recordUsageEvent } from './record-usage-events.ts';

export async function recordPackageUploadUsage(
  tx: DbOrTx,
  p: { orgId: string; appId: string; appName: string; packageId: string; version: string; at: Date },
): Promise<void> {
  await recordUsageEvent(tx, {
    orgId: p.orgId,
    appId: p.appId,
    appName: p.appName,
    type: 'package_upload',
    quantity: 1,
    credits: 0,
    description: `Uploaded version ${p.version} of '${p.appName}'`,
    metadata: { package_id: p.packageId, version: p.version },
    occurredAt: p.at,
  });
}
