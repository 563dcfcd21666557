// The APKG manifest (`agent.yaml`, apkg-format.md §2): parsing and schema validation.
// Errors read `agent.yaml: <field path> - <message>` (pixell-kit's wording, pydantic-style messages),
// one per problem; unknown top-level keys are accepted with a warning.
import YAML from 'yaml';

export const RUNTIMES = ['node18', 'node20', 'python3.9', 'python3.11', 'go1.21'] as const;
export type ApkgRuntime = (typeof RUNTIMES)[number];
export const DEFAULT_RUNTIME: ApkgRuntime = 'python3.11';

export interface ApkgManifest {
  name: string;
  display_name: string;
  description: string;
  author: string;
  license: string;
  /** Top-level `version`: format version ("1.0", pixell-kit) or agent version (pixell-sdk). Never the package version. */
  version: string | null;
  metadata: {
    /** The package version. */
    version: string;
    homepage: string | null;
    repository: string | null;
    tags: string[];
    author_email: string | null;
  };
  entrypoint: string | null;
  runtime: ApkgRuntime;
  capabilities: string[];
  environment: Record<string, string>;
  dependencies: string[];
  mcp: { enabled: boolean; config_file: string | null } | null;
  a2a: { service: string | null; entry: string | null; http_server: string | null } | null;
  rest: { entry: string } | null;
  ui: { path: string } | null;
  /** Unknown top-level keys (pixell-sdk's permissions, data_access, http_server, …), kept as parsed. */
  extra: Record<string, unknown>;
}

const KNOWN_KEYS = new Set([
  'name',
  'display_name',
  'description',
  'author',
  'license',
  'version',
  'metadata',
  'entrypoint',
  'runtime',
  'capabilities',
  'environment',
  'dependencies',
  'mcp',
  'a2a',
  'rest',
  'ui',
]);

const NAME = /^[a-z][a-z0-9-]*$/;
const MODULE_FUNCTION = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$/;
// name[extras] + one or more version constraints, optionally followed by an environment marker.
const DEPENDENCY =
  /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:\[[A-Za-z0-9._, -]+\])?\s*(?:===|==|>=|<=|~=|!=|>|<)\s*[A-Za-z0-9.*+!_-]+(?:\s*,\s*(?:===|==|>=|<=|~=|!=|>|<)\s*[A-Za-z0-9.*+!_-]+)*\s*(?:;.*)?$/;

export type ParsedYaml = { ok: true; value: unknown } | { ok: false; error: string };

// PyYAML's booleans: YAML 1.1 without the single letters y/Y/n/N.
const PYYAML_TRUE = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const PYYAML_FALSE = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;

function pyyamlBooleans(tags: YAML.Tags): YAML.Tags {
  return tags.map((tag) => {
    if (typeof tag !== 'object' || tag.tag !== 'tag:yaml.org,2002:bool' || !('test' in tag) || !tag.test) return tag;
    return { ...tag, test: tag.identify?.(true) ? PYYAML_TRUE : PYYAML_FALSE } as typeof tag;
  });
}

/** Parses agent.yaml with YAML 1.1 rules, as PyYAML (which the Pixell tools use) reads it. */
export function parseManifestYaml(text: string): ParsedYaml {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const doc = YAML.parseDocument(source, { version: '1.1', prettyErrors: false, customTags: pyyamlBooleans });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const where = e.linePos?.[0] ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : '';
    return { ok: false, error: `Invalid YAML in agent.yaml: ${firstLine(e.message)}${where}` };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
  } catch (err) {
    return { ok: false, error: `Invalid YAML in agent.yaml: ${firstLine(err instanceof Error ? err.message : String(err))}` };
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}

export interface ManifestCheckContext {
  /** Whether a regular file exists in the archive at this (root-relative) path. */
  hasFile(path: string): boolean;
  /** Whether anything exists in the archive under this folder (root-relative, no trailing slash). */
  hasFolder(path: string): boolean;
}

export interface ManifestCheck {
  manifest: ApkgManifest | null;
  errors: string[];
  warnings: string[];
  /** `name` when it is valid, even if other fields are not. */
  name: string | null;
  /** `metadata.version` as written (string), even if other fields are not valid. */
  metadataVersion: string | null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Validates the parsed agent.yaml value. */
export function checkManifest(data: unknown, ctx: ManifestCheckContext): ManifestCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!isRecord(data)) {
    return { manifest: null, errors: ['agent.yaml must contain a YAML dictionary'], warnings, name: null, metadataVersion: null };
  }
  const fail = (path: string, message: string) => errors.push(`agent.yaml: ${path} - ${message}`);
  const present = (v: unknown) => v !== undefined && v !== null;

  const requiredString = (obj: Record<string, unknown>, key: string, path = key): string | null => {
    const v = obj[key];
    if (!present(v)) {
      fail(path, 'Field required');
      return null;
    }
    if (typeof v !== 'string') {
      fail(path, 'Input should be a valid string');
      return null;
    }
    if (v.trim() === '') {
      fail(path, 'String should have at least 1 character');
      return null;
    }
    return v;
  };
  const optionalString = (obj: Record<string, unknown>, key: string, path = key): string | null => {
    const v = obj[key];
    if (!present(v)) return null;
    if (typeof v !== 'string') {
      fail(path, 'Input should be a valid string');
      return null;
    }
    return v;
  };
  const stringList = (obj: Record<string, unknown>, key: string, path = key): string[] => {
    const v = obj[key];
    if (!present(v)) return [];
    if (!Array.isArray(v)) {
      fail(path, 'Input should be a valid list');
      return [];
    }
    const out: string[] = [];
    v.forEach((item, i) => {
      if (typeof item !== 'string') fail(`${path}.${i}`, 'Input should be a valid string');
      else out.push(item);
    });
    return out;
  };
  const mapping = (obj: Record<string, unknown>, key: string): Record<string, unknown> | null => {
    const v = obj[key];
    if (!present(v)) return null;
    if (!isRecord(v)) {
      fail(key, 'Input should be a valid dictionary');
      return null;
    }
    return v;
  };

  // name
  let name: string | null = requiredString(data, 'name');
  if (name !== null && !NAME.test(name)) {
    fail('name', 'Name must be lowercase letters, numbers, and hyphens only');
    name = null;
  }
  const displayName = requiredString(data, 'display_name');
  const description = requiredString(data, 'description');
  const author = requiredString(data, 'author');
  const license = requiredString(data, 'license');

  // top-level version (format or agent version; informative only)
  let topVersion: string | null = null;
  if (present(data.version)) {
    if (typeof data.version === 'string' || typeof data.version === 'number') topVersion = String(data.version);
    else fail('version', 'Input should be a valid string');
  }

  // metadata
  let metadata: ApkgManifest['metadata'] | null = null;
  let metadataVersion: string | null = null;
  if (!present(data.metadata)) {
    fail('metadata', 'Field required');
  } else if (!isRecord(data.metadata)) {
    fail('metadata', 'Input should be a valid dictionary');
  } else {
    const m = data.metadata;
    const before = errors.length;
    if (!present(m.version)) fail('metadata.version', 'Field required');
    else if (typeof m.version !== 'string') fail('metadata.version', 'Input should be a valid string (quote the version, e.g. "1.2.0")');
    else metadataVersion = m.version;
    const homepage = optionalString(m, 'homepage', 'metadata.homepage');
    const repository = optionalString(m, 'repository', 'metadata.repository');
    const tags = stringList(m, 'tags', 'metadata.tags');
    const authorEmail = optionalString(m, 'author_email', 'metadata.author_email');
    if (errors.length === before && metadataVersion !== null) {
      metadata = { version: metadataVersion, homepage, repository, tags, author_email: authorEmail };
    }
  }

  // runtime
  let runtime: ApkgRuntime = DEFAULT_RUNTIME;
  if (present(data.runtime)) {
    if (typeof data.runtime !== 'string') fail('runtime', 'Input should be a valid string');
    else if (!(RUNTIMES as readonly string[]).includes(data.runtime)) {
      fail('runtime', `Invalid runtime: ${data.runtime}. Valid options: ${RUNTIMES.join(', ')}`);
    } else runtime = data.runtime as ApkgRuntime;
  }

  const capabilities = stringList(data, 'capabilities');

  // environment: map of string to string
  const environment: Record<string, string> = Object.create(null);
  if (present(data.environment)) {
    if (!isRecord(data.environment)) fail('environment', 'Input should be a valid dictionary');
    else {
      for (const [k, v] of Object.entries(data.environment)) {
        if (typeof v !== 'string') fail(`environment.${k}`, 'Input should be a valid string (quote the value)');
        else environment[k] = v;
      }
    }
  }

  // dependencies
  const dependencies = stringList(data, 'dependencies');
  dependencies.forEach((dep, i) => {
    if (!DEPENDENCY.test(dep.trim())) {
      fail(`dependencies.${i}`, `Invalid dependency format: ${dep} (expected name[extras] and a version constraint, e.g. requests>=2.31)`);
    }
  });

  // mcp
  let mcp: ApkgManifest['mcp'] = null;
  const mcpRaw = mapping(data, 'mcp');
  if (mcpRaw) {
    let enabled = false;
    if (present(mcpRaw.enabled)) {
      if (typeof mcpRaw.enabled !== 'boolean') fail('mcp.enabled', 'Input should be a valid boolean');
      else enabled = mcpRaw.enabled;
    }
    const configFile = optionalString(mcpRaw, 'config_file', 'mcp.config_file');
    if (enabled) {
      if (configFile === null) {
        if (!present(mcpRaw.config_file)) fail('mcp.config_file', 'MCP config file is required when MCP is enabled');
      } else if (!ctx.hasFile(normalizeRelative(configFile))) {
        fail('mcp.config_file', `MCP config file not found in package: ${configFile}`);
      }
    }
    mcp = { enabled, config_file: configFile };
  }

  // surfaces
  let a2a: ApkgManifest['a2a'] = null;
  const a2aRaw = mapping(data, 'a2a');
  if (a2aRaw) {
    const service = optionalString(a2aRaw, 'service', 'a2a.service');
    const entry = optionalString(a2aRaw, 'entry', 'a2a.entry');
    const httpServer = optionalString(a2aRaw, 'http_server', 'a2a.http_server');
    for (const [key, value] of [['service', service], ['entry', entry], ['http_server', httpServer]] as const) {
      if (value !== null && !MODULE_FUNCTION.test(value)) fail(`a2a.${key}`, "A2A entry must be in format 'module:function'");
    }
    if (!present(a2aRaw.service) && !present(a2aRaw.entry) && !present(a2aRaw.http_server)) {
      fail('a2a.service', "Field required (the A2A server as 'module:function')");
    }
    a2a = { service, entry, http_server: httpServer };
  }

  const entrypointRaw = data.entrypoint;
  let entrypoint: string | null = null;
  if (present(entrypointRaw)) {
    if (typeof entrypointRaw !== 'string') fail('entrypoint', 'Input should be a valid string');
    else if (!MODULE_FUNCTION.test(entrypointRaw)) fail('entrypoint', "Entrypoint must be in format 'module:function'");
    else entrypoint = entrypointRaw;
  }

  let rest: ApkgManifest['rest'] = null;
  const restRaw = mapping(data, 'rest');
  if (restRaw) {
    const entry = requiredString(restRaw, 'entry', 'rest.entry');
    if (entry !== null) {
      if (entry.includes(':')) {
        if (!MODULE_FUNCTION.test(entry)) fail('rest.entry', "REST entry must be in format 'module:function'");
      } else if (entrypoint === null) {
        fail('rest.entry', "REST entry must be in 'module:function' format, or entrypoint must be specified");
      } else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(entry)) {
        fail('rest.entry', "REST entry must be a function name or 'module:function'");
      }
      rest = { entry };
    }
  }

  let ui: ApkgManifest['ui'] = null;
  const uiRaw = mapping(data, 'ui');
  if (uiRaw) {
    const path = requiredString(uiRaw, 'path', 'ui.path');
    if (path !== null) {
      ui = { path };
      const folder = normalizeRelative(path).replace(/\/+$/, '');
      if (!ctx.hasFolder(folder) && !ctx.hasFolder('dist/ui')) {
        warnings.push(`UI assets not found in the package (looked in ${folder}/ and dist/ui/)`);
      }
    }
  }

  // entrypoint: required when no surface is configured; its module must be in the archive
  const hasSurface = present(data.a2a) || present(data.rest) || present(data.ui);
  if (!present(entrypointRaw)) {
    if (!hasSurface) fail('entrypoint', 'Entrypoint is required when no surfaces are configured');
  } else if (entrypoint !== null) {
    const modulePath = entrypoint.split(':')[0].replace(/\./g, '/');
    const candidates = moduleFileCandidates(modulePath);
    if (!candidates.some((c) => ctx.hasFile(c))) {
      fail('entrypoint', `Entrypoint module not found in package: ${primaryModuleFile(modulePath, runtime)}`);
    }
  }

  // unknown keys
  const extra: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const key of Object.keys(data)) {
    if (!KNOWN_KEYS.has(key)) {
      unknown.push(key);
      extra[key] = data[key];
    }
  }
  if (unknown.length > 0) warnings.push(`agent.yaml: unknown keys are ignored: ${unknown.join(', ')}`);

  const manifest: ApkgManifest | null =
    errors.length === 0 && name && displayName && description && author && license && metadata
      ? {
          name,
          display_name: displayName,
          description,
          author,
          license,
          version: topVersion,
          metadata,
          entrypoint,
          runtime,
          capabilities,
          environment,
          dependencies,
          mcp,
          a2a,
          rest,
          ui,
          extra,
        }
      : null;
  return { manifest, errors, warnings, name, metadataVersion };
}

function moduleFileCandidates(modulePath: string): string[] {
  return [
    `${modulePath}.py`,
    `${modulePath}/__init__.py`,
    `${modulePath}.js`,
    `${modulePath}.mjs`,
    `${modulePath}.cjs`,
    `${modulePath}.ts`,
    `${modulePath}/index.js`,
    `${modulePath}.go`,
  ];
}

function primaryModuleFile(modulePath: string, runtime: ApkgRuntime): string {
  if (runtime.startsWith('node')) return `${modulePath}.js`;
  if (runtime.startsWith('go')) return `${modulePath}.go`;
  return `${modulePath}.py`;
}

/** `./a/b` → `a/b` (manifest paths are relative to the project root). */
export function normalizeRelative(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
}
