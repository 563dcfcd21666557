// Lists the secrets of an app. Any member sees the key names and dates; only owners and admins see
// values. `values: 'required'` (REST GET without names_only) answers 403 to members instead of
// masking, so that no client ever pushes placeholder values back as real ones.
import { findAppOrThrow } from '../apps/find-app.ts';
import { requireOrgActor, type DomainCtx, type OrgActor } from '../context.ts';
import { forbidden } from '../errors.ts';
import { loadAppSecretRows } from './app-secret-rows.ts';
import { decryptSecretValue } from './secret-value-crypto.ts';

export type AppSecretView = { key: string; value: string | null; createdAt: Date; updatedAt: Date };

export function canReadSecretValues(actor: OrgActor): boolean {
  return actor.role === 'owner' || actor.role === 'admin';
}

export async function listAppSecrets(
  ctx: DomainCtx,
  appId: string,
  opts: { values: 'required' | 'ifAllowed' | 'never' },
): Promise<{ canReadValues: boolean; secrets: AppSecretView[] }> {
  const actor = requireOrgActor(ctx);
  const app = await findAppOrThrow(ctx.db, actor.orgId, appId); // 404 before 403
  const canReadValues = canReadSecretValues(actor);
  if (opts.values === 'required' && !canReadValues) {
    throw forbidden('Only owners and admins can read secret values; members can list the key names with ?names_only=true');
  }
  const withValues = canReadValues && opts.values !== 'never';
  const rows = await loadAppSecretRows(ctx.db, app.id);
  return {
    canReadValues,
    secrets: rows.map((r) => ({
      key: r.key,
      value: withValues ? decryptSecretValue(ctx.secrets, r) : null,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    })),
  };
}
