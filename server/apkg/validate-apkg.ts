// Validates an APKG package file (apkg-format.md §1, §2, §6; apkg-env-secrets.md): archive safety
// (streamed, limits counted while inflating), the manifest, the package version and the `.env`.
// Never throws for a bad package: every problem is a readable message in `errors` (failures) or
// `warnings` (never failures). Structural failures (not a zip, zip bomb, …) stop early.
import semver from 'semver';
import type { BlockCrc32 } from './crc32-ranges.ts';
import { checkEnvHygiene } from './env-hygiene.ts';
import { checkManifest, normalizeRelative, parseManifestYaml, type ApkgManifest } from './manifest-schema.ts';
import { parseDotenv } from './parse-dotenv.ts';
import { formatBytes, normalizeEntryName, scanApkgArchive, type ScanLimits } from './scan-apkg-archive.ts';

export type { ApkgManifest } from './manifest-schema.ts';

export interface ValidateApkgOptions {
  /** Most entries allowed (default 10,000). */
  maxEntries?: number;
  /** Most bytes all entries may inflate to, counted while inflating (default 1 GiB). */
  maxTotalUncompressedBytes?: number;
  /** Most inflated/compressed ratio for an entry past `ratioMinEntryBytes` (default 200). */
  maxRatio?: number;
  /** The ratio rule applies once an entry has inflated past this many bytes (default 1 MiB). */
  ratioMinEntryBytes?: number;
  /** The version the uploader gave (the form's `version`); must equal the package version. */
  expectedVersion?: string;
  /**
   * CRC-32 of each aligned block of the file, computed while it was stored: the CRC of a stored
   * (uncompressed) entry is then derived from them instead of reading the entry again.
   */
  blockCrc32?: BlockCrc32;
}

export interface ApkgDeployInfo {
  expose: string[];
  ports: Record<string, number>;
  multiplex: boolean | null;
}

export interface ApkgValidation {
  ok: boolean;
  errors: string[];
  warnings: string[];
  /** The validated agent.yaml (null when it is missing or has errors). */
  manifest: ApkgManifest | null;
  /** The package version (metadata.version), when it is valid semver. */
  version: string | null;
  /** The agent name from agent.yaml, when it is valid. */
  name: string | null;
  /** The parsed `.env` (for the runtime). Holds secrets: never log it. */
  env: Record<string, string> | null;
  /** Entries in the archive. */
  entries: number;
  /** Bytes inflated while reading the archive. */
  uncompressedBytes: number;
  /** deploy.json written by the builders, when present and readable. */
  deploy: ApkgDeployInfo | null;
  /** `created_by` of .pixell/package.json (e.g. pixell-kit, pixell-sdk), when present. */
  builder: string | null;
}

export const APKG_LIMITS = {
  maxEntries: 10_000,
  maxTotalUncompressedBytes: 1024 ** 3,
  maxRatio: 200,
  ratioMinEntryBytes: 1024 ** 2,
  /** Cap for the small text files read into memory (agent.yaml, .env, package.json, deploy.json). */
  maxTextFileBytes: 1024 ** 2,
} as const;

export const MISSING_ENV_MESSAGE =
  'Missing required .env file at project root. Create a .env with placeholders or real values.';

const AGENT_YAML = 'agent.yaml';
const DOTENV = '.env';
const PACKAGE_JSON = '.pixell/package.json';
const DEPLOY_JSON = 'deploy.json';
const CAPTURED = new Set([AGENT_YAML, DOTENV, PACKAGE_JSON, DEPLOY_JSON]);

/** `archive`: the package's file, or its bytes (small uploads are received in memory). */
export async function validateApkg(archive: string | Buffer, options: ValidateApkgOptions = {}): Promise<ApkgValidation> {
  const limits: ScanLimits = {
    maxEntries: options.maxEntries ?? APKG_LIMITS.maxEntries,
    maxTotalUncompressedBytes: options.maxTotalUncompressedBytes ?? APKG_LIMITS.maxTotalUncompressedBytes,
    maxRatio: options.maxRatio ?? APKG_LIMITS.maxRatio,
    ratioMinEntryBytes: options.ratioMinEntryBytes ?? APKG_LIMITS.ratioMinEntryBytes,
    maxCapturedFileBytes: APKG_LIMITS.maxTextFileBytes,
  };

  let scan;
  try {
    scan = await scanApkgArchive(archive, limits, CAPTURED, options.blockCrc32);
  } catch (err) {
    // Defensive: the scanner reports problems as values; anything else is still a bad archive.
    return {
      ...empty(),
      errors: [`Invalid APKG format: the archive could not be read (${err instanceof Error ? err.message : String(err)})`],
    };
  }

  const errors = [...scan.errors];
  const warnings = [...scan.warnings];
  const out: ApkgValidation = {
    ...empty(),
    errors,
    warnings,
    entries: scan.entries,
    uncompressedBytes: scan.uncompressedBytes,
  };
  if (scan.fatal) return finish(out);

  type Severity = 'error' | 'warning';
  const text = (name: string, tooLarge: Severity, what: Severity = tooLarge): string | null => {
    if (scan.tooLarge.has(name)) {
      (tooLarge === 'error' ? errors : warnings).push(`${name} is too large (over ${formatBytes(limits.maxCapturedFileBytes)})`);
      return null;
    }
    const buf = scan.captured.get(name);
    if (!buf) return null;
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buf);
    } catch {
      if (what === 'error') {
        errors.push(`${name} is not valid UTF-8 text`);
        return null;
      }
      warnings.push(`${name} is not valid UTF-8 text; invalid bytes were replaced`);
      return new TextDecoder('utf-8').decode(buf);
    }
  };

  // agent.yaml
  let metadataVersion: string | null = null;
  if (!scan.files.has(AGENT_YAML)) {
    errors.push(`Required file missing: ${AGENT_YAML}`);
    const nested = [...scan.files].find((f) => f.split('/').length === 2 && f.endsWith(`/${AGENT_YAML}`));
    if (nested) {
      errors.push(`Found "${nested}" inside a folder: package files must be at the root of the archive, not in a wrapper folder`);
    }
  } else {
    const yamlText = text(AGENT_YAML, 'error');
    if (yamlText !== null) {
      const parsed = parseManifestYaml(yamlText);
      if (!parsed.ok) errors.push(parsed.error);
      else {
        const check = checkManifest(parsed.value, {
          hasFile: (p) => scan.files.has(normalizeEntryName(normalizeRelative(p))),
          hasFolder: (p) => scan.folders.has(normalizeEntryName(normalizeRelative(p))),
        });
        errors.push(...check.errors);
        warnings.push(...check.warnings);
        out.manifest = check.manifest;
        out.name = check.name;
        metadataVersion = check.metadataVersion;
      }
    }
  }

  // .pixell/package.json (builder metadata; the version is read from here first)
  let packageVersion: string | null = null;
  if (scan.files.has(PACKAGE_JSON)) {
    const json = parseJsonObject(text(PACKAGE_JSON, 'warning'));
    if (json === undefined) warnings.push(`${PACKAGE_JSON} is not a valid JSON object; it is ignored`);
    else if (json !== null) {
      if (typeof json.created_by === 'string') out.builder = json.created_by;
      const manifest = json.manifest;
      const metadata = isRecord(manifest) ? manifest.metadata : undefined;
      const v = isRecord(metadata) ? metadata.version : undefined;
      if (typeof v === 'string') packageVersion = v;
      else if (v !== undefined && v !== null) warnings.push(`${PACKAGE_JSON}: manifest.metadata.version is not a string; it is ignored`);
    }
  }

  // The package version: .pixell/package.json first, then agent.yaml.
  const chosen = packageVersion ?? metadataVersion;
  if (packageVersion !== null && metadataVersion !== null && packageVersion !== metadataVersion) {
    warnings.push(`${PACKAGE_JSON} says version ${packageVersion} but agent.yaml says ${metadataVersion}; using ${packageVersion}`);
  }
  if (chosen !== null) {
    if (isStrictSemver(chosen)) out.version = chosen;
    else errors.push(`Version "${chosen}" is not a valid semantic version (e.g. 1.2.0)`);
    const expected = options.expectedVersion?.trim();
    if (expected && expected !== chosen.trim()) {
      errors.push(`Version mismatch: form says ${expected} but the package manifest says ${chosen}`);
    }
  }

  // .env (required; warnings on its values, key names only)
  if (!scan.files.has(DOTENV)) {
    errors.push(MISSING_ENV_MESSAGE);
  } else {
    const envText = text(DOTENV, 'error', 'warning');
    if (envText !== null) {
      const parsed = parseDotenv(envText);
      warnings.push(...parsed.warnings);
      warnings.push(...checkEnvHygiene(parsed.values));
      out.env = parsed.values;
    }
  }

  // deploy.json (optional builder hand-off)
  if (scan.files.has(DEPLOY_JSON)) {
    const json = parseJsonObject(text(DEPLOY_JSON, 'warning'));
    if (json === undefined) warnings.push(`${DEPLOY_JSON} is not a valid JSON object; it is ignored`);
    else if (json !== null) out.deploy = readDeployInfo(json);
  }

  return finish(out);
}

function empty(): ApkgValidation {
  return {
    ok: false,
    errors: [],
    warnings: [],
    manifest: null,
    version: null,
    name: null,
    env: null,
    entries: 0,
    uncompressedBytes: 0,
    deploy: null,
    builder: null,
  };
}

function finish(out: ApkgValidation): ApkgValidation {
  out.ok = out.errors.length === 0;
  return out;
}

/** Semantic Versioning 2.0.0 as written (no leading `v` or `=`, no surrounding spaces). */
export function isStrictSemver(v: string): boolean {
  return /^\d/.test(v) && !/\s/.test(v) && semver.valid(v) !== null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** null: no text to parse; undefined: not a JSON object. */
function parseJsonObject(text: string | null): Record<string, unknown> | null | undefined {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function readDeployInfo(json: Record<string, unknown>): ApkgDeployInfo {
  const expose = Array.isArray(json.expose) ? json.expose.filter((x): x is string => typeof x === 'string') : [];
  const ports: Record<string, number> = {};
  if (isRecord(json.ports)) {
    for (const [k, v] of Object.entries(json.ports)) {
      if (typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 65536) ports[k] = v;
    }
  }
  return { expose, ports, multiplex: typeof json.multiplex === 'boolean' ? json.multiplex : null };
}
