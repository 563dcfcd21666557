// Bulk paste in the dashboard: `KEY=VALUE` lines (dotenv syntax) set several secrets at once; keys not
// in the paste stay. A line that cannot be used fails the whole paste (400, line numbers only).
import { parseDotenv } from '../../apkg/parse-dotenv.ts';
import { findAppOrThrow } from '../apps/find-app.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { AppError } from '../errors.ts';
import { countAppSecrets, upsertAppSecretRows } from './app-secret-rows.ts';
import { secretKey, secretValue } from './secret-schemas.ts';

/** Parses a paste into KEY -> VALUE, or throws 400 with one detail per problem (never a value). */
export function parseSecretsPaste(text: string): Record<string, string> {
  const parsed = parseDotenv(text);
  const details: { path: string; message: string }[] = parsed.warnings.map((w) => ({ path: 'text', message: w.replace(/^\.env line/, 'Line') }));
  const out: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(parsed.values)) {
    const k = secretKey.safeParse(key);
    if (!k.success) {
      details.push({ path: `text.${key}`, message: k.error.issues[0].message });
      continue;
    }
    const v = secretValue.safeParse(value);
    if (!v.success) {
      details.push({ path: `text.${key}`, message: v.error.issues[0].message });
      continue;
    }
    out[key] = value;
  }
  if (details.length > 0) throw new AppError('VALIDATION_ERROR', 'Invalid request', { details });
  if (Object.keys(out).length === 0) throw new AppError('VALIDATION_ERROR', 'Invalid request', { details: [{ path: 'text', message: 'Paste at least one KEY=VALUE line' }] });
  return out;
}

export async function setAppSecrets(ctx: DomainCtx, appId: string, entries: Record<string, string>): Promise<{ keys: string[]; secretCount: number }> {
  const actor = requireOrgActor(ctx);
  return ctx.db.transaction(async (tx) => {
    const app = await findAppOrThrow(tx, actor.orgId, appId, { forUpdate: true });
    const changes = await upsertAppSecretRows(tx, ctx.secrets, app, entries, ctx.now());
    await recordAudit(tx, actor, {
      orgId: actor.orgId,
      action: 'secrets.set',
      resourceType: 'agent_app',
      resourceId: app.id,
      metadata: { keys: Object.keys(entries).sort(), added: changes.added, changed: changes.changed },
    });
    return { keys: Object.keys(entries).sort(), secretCount: await countAppSecrets(tx, app.id) };
  });
}
