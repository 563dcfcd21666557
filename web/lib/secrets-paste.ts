// The bulk paste of the Secrets tab: reads `KEY=VALUE` lines with the server's own dotenv parser (blank
// lines and `#` comments skipped, optional `export `, quotes stripped, later lines win) and checks each
// entry with the server's secret schemas, so the preview flags exactly what `secrets.setMany` refuses.
import { parseDotenv } from '../../server/apkg/parse-dotenv.ts';
import { MAX_SECRETS_PER_APP, secretKey, secretValue } from '../../server/domain/secrets/secret-schemas.ts';

export type PasteMode = 'merge' | 'replace';

export type PasteEntryStatus = 'new' | 'update' | 'unchanged' | 'invalid';

export type PasteEntry = { key: string; value: string; status: PasteEntryStatus; problem?: string };

export type PastePreview = {
  entries: PasteEntry[];
  /** Lines the parser skipped, e.g. "Line 4: ignored (expected KEY=VALUE)" (never their content). */
  ignoredLines: string[];
  /** Existing keys a replace-all deletes. */
  removed: string[];
  /** The valid KEY -> VALUE pairs. */
  values: Record<string, string>;
  problemCount: number;
  /** How many secrets the app has after saving. */
  totalAfter: number;
  tooMany: boolean;
};

/**
 * `existing` maps the app's keys to their values, or to null when the viewer may not read values
 * (members): then an existing key is reported as an update.
 */
export function previewPaste(text: string, existing: ReadonlyMap<string, string | null>, mode: PasteMode): PastePreview {
  const parsed = parseDotenv(text);
  const entries: PasteEntry[] = [];
  const values: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(parsed.values)) {
    const k = secretKey.safeParse(key);
    const v = secretValue.safeParse(value);
    if (!k.success || !v.success) {
      const problem = !k.success ? k.error.issues[0]?.message : !v.success ? v.error.issues[0]?.message : undefined;
      entries.push({ key, value, status: 'invalid', problem: problem ?? 'Invalid entry' });
      continue;
    }
    values[key] = value;
    const current = existing.get(key);
    entries.push({ key, value, status: current === undefined ? 'new' : current === value ? 'unchanged' : 'update' });
  }
  const ignoredLines = parsed.warnings.map((w) => w.replace(/^\.env line/, 'Line'));
  const removed = mode === 'replace' ? [...existing.keys()].filter((key) => !Object.hasOwn(values, key)) : [];
  const validKeys = Object.keys(values);
  const totalAfter = mode === 'replace' ? validKeys.length : new Set([...existing.keys(), ...validKeys]).size;
  const tooMany = totalAfter > MAX_SECRETS_PER_APP;
  return {
    entries,
    ignoredLines,
    removed,
    values,
    problemCount: entries.filter((e) => e.status === 'invalid').length + ignoredLines.length,
    totalAfter,
    tooMany,
  };
}

/**
 * Replace-all through the documented REST route (`POST /api/agent-apps/:id/secrets`), which swaps
 * the whole set in one transaction; the session cookie authenticates it (same origin).
 */
export async function replaceAllSecrets(appId: string, secrets: Record<string, string>): Promise<{ secretCount: number }> {
  let res: Response;
  try {
    res = await fetch(`/api/agent-apps/${encodeURIComponent(appId)}/secrets`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ secrets }),
    });
  } catch {
    throw new Error('Cannot reach the server. Check your connection and try again.');
  }
  const body = (await res.json().catch(() => null)) as { error?: string; details?: { path?: string; message?: string }[]; secretCount?: number } | null;
  if (!res.ok) {
    const detail = body?.details?.find((d) => typeof d.message === 'string');
    throw new Error(detail?.message ?? body?.error ?? `The secrets could not be saved (HTTP ${res.status}).`);
  }
  return { secretCount: body?.secretCount ?? Object.keys(secrets).length };
}
