// Hygiene checks on the values of a package's `.env` (apkg-env-secrets.md). They only ever produce
// warnings, and the warnings name KEYS only: a value never appears in any message.

/** Key names that hold credentials by convention. */
const SECRET_KEY_NAME =
  /^(?:AWS_SECRET_ACCESS_KEY|PRIVATE_KEY|SECRET|SECRET_KEY|TOKEN|PASSWORD|API_KEY)$|_(?:SECRET|SECRET_KEY|TOKEN|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY|ACCESS_KEY)$/i;

/** Values that are secrets whatever their key is called. */
const SECRET_VALUE_PATTERNS: RegExp[] = [
  /(?:^|[^A-Za-z0-9])sk-[A-Za-z0-9_-]{3,}/, // OpenAI / Anthropic style keys
  /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}/, // Stripe
  /\bgh[pousr]_[A-Za-z0-9]{20,}/, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}/,
  /\bglpat-[A-Za-z0-9_-]{16,}/, // GitLab
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/, // Slack
  /\bAKIA[0-9A-Z]{16}\b/, // AWS access key id
  /\bAIza[0-9A-Za-z_-]{30,}/, // Google API key
  /\bhf_[A-Za-z0-9]{30,}/, // Hugging Face
  /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, // JWT
];

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----/;
const URL_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s/@]+)@/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ABSOLUTE_LOCAL_PATH = /(?:^|[\s:;,=]|file:\/\/)\/(?:Users|home|root)\//;
const WINDOWS_PATH = /(?:^|[\s;,=])[A-Za-z]:[\\/]/;
const LOCALHOST = /(?:^|[^A-Za-z0-9.-])(?:localhost|127\.0\.0\.1)(?:$|[^A-Za-z0-9.-])/i;

/** Obvious placeholders: `your-key-here`, `<token>`, `${VAR}`, `xxxx`, `changeme`, … */
export function looksLikePlaceholder(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (/^\$\{?[A-Za-z_]/.test(v)) return true;
  if (/^<.*>$/.test(v) || /^\[.*\]$/.test(v) || /^\{\{.*\}\}$/.test(v)) return true;
  if (/^(.)\1*$/.test(v)) return true;
  return /your|placeholder|example|change[-_ ]?me|replace|dummy|sample|fake|redacted|todo|fixme|insert|xxx|\.\.\.|\*\*\*|<[^>]*>/i.test(v);
}

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** A long random-looking single token (API secret, hex digest, base64 key). */
function looksHighEntropy(value: string): boolean {
  const v = value.trim();
  if (v.length < 32 || v.length > 4096) return false;
  if (!/^[A-Za-z0-9+/=_\-.~]+$/.test(v)) return false;
  if (!/[0-9]/.test(v) || !/[A-Za-z]/.test(v)) return false;
  if (UUID.test(v) || v.startsWith('/')) return false;
  const threshold = /^[0-9a-f]+$/i.test(v) ? 3.0 : 4.0;
  return entropy(v) >= threshold;
}

export function looksLikeSecret(key: string, value: string): boolean {
  if (value.trim() === '') return false;
  if (PEM_BLOCK.test(value)) return true;
  if (looksLikePlaceholder(value)) return false;
  if (SECRET_KEY_NAME.test(key) && value.trim().length >= 8) return true;
  if (SECRET_VALUE_PATTERNS.some((re) => re.test(value))) return true;
  const credentials = URL_CREDENTIALS.exec(value.trim());
  if (credentials && !looksLikePlaceholder(decodeURIComponentSafe(credentials[1]))) return true;
  return looksHighEntropy(value);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function looksLikeAbsoluteLocalPath(value: string): boolean {
  return ABSOLUTE_LOCAL_PATH.test(value) || WINDOWS_PATH.test(value);
}

export function mentionsLocalhost(value: string): boolean {
  return LOCALHOST.test(value);
}

/** Warnings about `.env` values (secrets, absolute local paths, localhost). Key names only. */
export function checkEnvHygiene(values: Record<string, string>): string[] {
  const secrets: string[] = [];
  const paths: string[] = [];
  const local: string[] = [];
  for (const key of Object.keys(values)) {
    const value = values[key];
    if (looksLikeSecret(key, value)) secrets.push(key);
    if (looksLikeAbsoluteLocalPath(value)) paths.push(key);
    if (mentionsLocalhost(value)) local.push(key);
  }
  const list = (keys: string[]) => [...new Set(keys)].sort().join(', ');
  const warnings: string[] = [];
  if (secrets.length > 0) {
    warnings.push(
      `.env appears to contain real secrets for keys: ${list(secrets)}. Use placeholders in packages and override at deploy time.`,
    );
  }
  if (paths.length > 0) {
    warnings.push(
      `.env contains absolute path values that may harm portability for keys: ${list(paths)}. Prefer relative paths or standard locations (e.g. /tmp).`,
    );
  }
  if (local.length > 0) {
    warnings.push(
      `.env uses localhost/127.0.0.1 for keys: ${list(local)}. Inside a container, bind to 0.0.0.0 and reach other services by their service DNS names.`,
    );
  }
  return warnings;
}
