import crypto from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApkg, type BuildApkgOptions } from './testing/build-apkg.ts';
import { MISSING_ENV_MESSAGE, validateApkg, type ValidateApkgOptions } from './validate-apkg.ts';

let dir: string;
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'apkg-validate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(bytes: Buffer | string): Promise<string> {
  const file = path.join(dir, `p${++counter}.apkg`);
  await writeFile(file, bytes);
  return file;
}

/** Validates the archive from a file and from its bytes in memory (small uploads): both must give the same result. */
async function validateBytes(bytes: Buffer | string, options?: ValidateApkgOptions) {
  const file = await fileWith(bytes);
  const fromFile = await validateApkg(file, options);
  const fromMemory = await validateApkg(await readFile(file), options);
  // A scan stopped by a limit counts the bytes up to where it stopped: read in blocks from a file,
  // inflated in one call from memory. Everything else is the same.
  if (fromFile.ok) expect(fromMemory).toEqual(fromFile);
  else expect({ ...fromMemory, uncompressedBytes: 0 }).toEqual({ ...fromFile, uncompressedBytes: 0 });
  return fromFile;
}

async function validate(opts: BuildApkgOptions = {}, options?: ValidateApkgOptions) {
  return validateBytes(await buildApkg(opts), options);
}

const MiB = 1024 * 1024;

describe('valid packages', () => {
  it('accepts a pixell-kit package with no errors and no warnings', async () => {
    const r = await validate({ style: 'pixell-kit', name: 'kit-agent', version: '1.2.3' });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.name).toBe('kit-agent');
    expect(r.version).toBe('1.2.3');
    expect(r.builder).toBe('pixell-kit');
    expect(r.manifest).toMatchObject({
      name: 'kit-agent',
      version: '1.0',
      metadata: { version: '1.2.3' },
      entrypoint: 'src.main:handler',
      runtime: 'python3.11',
      rest: { entry: 'src.rest.index:mount' },
      a2a: { service: 'src.a2a.server:serve' },
      ui: { path: 'ui' },
    });
    expect({ ...r.env }).toEqual({ OPENAI_API_KEY: 'your-openai-api-key', LOG_LEVEL: 'info', HOST: '0.0.0.0', PORT: '8080' });
    expect(r.deploy).toEqual({ expose: ['rest', 'a2a', 'ui'], ports: { rest: 8080, a2a: 50051, ui: 3000 }, multiplex: true });
    expect(r.entries).toBeGreaterThan(10);
    expect(r.uncompressedBytes).toBeGreaterThan(0);
  });

  it('accepts a pixell-sdk package (modules at the root, UI at ui.path, extra keys warned about)', async () => {
    const r = await validate({ style: 'pixell-sdk', version: '0.5.4' });
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual(['agent.yaml: unknown keys are ignored: http_server, permissions, plan_mode']);
    expect(r.version).toBe('0.5.4');
    expect(r.builder).toBe('pixell-sdk');
    expect(r.manifest?.entrypoint).toBeNull();
    expect(r.manifest?.a2a).toEqual({ service: null, entry: 'main:create_a2a_server', http_server: 'main:create_handlers' });
    expect(r.manifest?.extra).toMatchObject({ http_server: 'main:app', plan_mode: { supported: true } });
  });

  it('accepts a package without directory entries, deploy.json or .pixell/package.json', async () => {
    const r = await validate({ directoryEntries: false, deployJson: null, packageJson: null, version: '2.0.0-beta.1' });
    expect(r.errors).toEqual([]);
    expect(r.version).toBe('2.0.0-beta.1');
    expect(r.builder).toBeNull();
    expect(r.deploy).toBeNull();
  });
});

describe('archive structure', () => {
  it('rejects a file that is not a ZIP archive', async () => {
    const r = await validateBytes((crypto.randomBytes(4096)));
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual(['Invalid APKG format: not a ZIP archive (or the file is truncated)']);
    expect(r.manifest).toBeNull();
  });

  it('rejects an empty file', async () => {
    const r = await validateBytes((Buffer.alloc(0)));
    expect(r.errors).toEqual(['Invalid APKG format: the file is empty']);
  });

  it('rejects a truncated archive', async () => {
    const full = await buildApkg();
    const r = await validateBytes((full.subarray(0, Math.floor(full.length / 2))));
    expect(r.errors).toEqual(['Invalid APKG format: not a ZIP archive (or the file is truncated)']);
  });

  it('rejects an archive whose central directory points past the end of the file', async () => {
    const full = await buildApkg();
    const eocd = full.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const broken = Buffer.from(full);
    broken.writeUInt32LE(full.length + 1000, eocd + 16); // central directory offset beyond the end
    const r = await validateBytes((broken));
    expect(r.ok).toBe(false);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^Invalid APKG format: the ZIP archive is truncated or corrupt \(/);
  });

  it('reports a missing file path as an error, never a thrown exception', async () => {
    const r = await validateApkg(path.join(dir, 'does-not-exist.apkg'));
    expect(r.errors).toEqual(['Invalid APKG format: the file could not be read']);
  });
});

describe('manifest (agent.yaml)', () => {
  it('requires agent.yaml', async () => {
    const r = await validate({ agentYaml: null });
    expect(r.ok).toBe(false);
    expect(r.errors).toContain('Required file missing: agent.yaml');
  });

  it('points at an agent.yaml inside a wrapper folder', async () => {
    const r = await validate({ agentYaml: null, files: { 'my-agent/agent.yaml': 'name: x\n' } });
    expect(r.errors).toEqual([
      'Required file missing: agent.yaml',
      'Found "my-agent/agent.yaml" inside a folder: package files must be at the root of the archive, not in a wrapper folder',
    ]);
  });

  it('reports invalid YAML', async () => {
    const r = await validate({ agentYaml: 'name: test-agent\nmetadata: [unclosed\n' });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^Invalid YAML in agent\.yaml: .+/);
  });

  it('treats duplicate keys as invalid YAML', async () => {
    const r = await validate({ agentYaml: 'name: a\nname: b\n' });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^Invalid YAML in agent\.yaml: .*unique/);
  });

  it.each([
    ['a list', '- a\n- b\n'],
    ['a scalar', 'just a string\n'],
    ['empty', ''],
  ])('requires a dictionary (%s)', async (_label, text) => {
    const r = await validate({ agentYaml: text });
    expect(r.errors).toEqual(['agent.yaml must contain a YAML dictionary']);
  });

  it('validates the name', async () => {
    const r = await validate({ name: 'My_Agent' });
    expect(r.errors).toEqual(['agent.yaml: name - Name must be lowercase letters, numbers, and hyphens only']);
    expect(r.name).toBeNull();
  });

  it('requires the descriptive strings, one error each', async () => {
    const r = await validate({
      manifest: { display_name: undefined, description: undefined, author: 42, license: '  ' },
    });
    expect(r.errors).toEqual([
      'agent.yaml: display_name - Field required',
      'agent.yaml: description - Field required',
      'agent.yaml: author - Input should be a valid string',
      'agent.yaml: license - String should have at least 1 character',
    ]);
    expect(r.manifest).toBeNull();
  });

  it('requires metadata and metadata.version', async () => {
    const noMetadata = await validate({ manifest: { metadata: undefined }, packageJson: null });
    expect(noMetadata.errors).toEqual(['agent.yaml: metadata - Field required']);
    const noVersion = await validate({ manifest: { metadata: { version: undefined } }, packageJson: null });
    expect(noVersion.errors).toEqual(['agent.yaml: metadata.version - Field required']);
    expect(noVersion.version).toBeNull();
  });

  it('requires an entrypoint when no surfaces are configured', async () => {
    const r = await validate({ manifest: { entrypoint: undefined, rest: undefined, a2a: undefined, ui: undefined } });
    expect(r.errors).toEqual(['agent.yaml: entrypoint - Entrypoint is required when no surfaces are configured']);
  });

  it('does not require an entrypoint when a surface is configured', async () => {
    const r = await validate({ manifest: { entrypoint: undefined, a2a: undefined, ui: undefined } });
    expect(r.errors).toEqual([]);
  });

  it("requires the entrypoint as 'module:function'", async () => {
    const r = await validate({ manifest: { entrypoint: 'src/main.py' } });
    expect(r.errors).toEqual(["agent.yaml: entrypoint - Entrypoint must be in format 'module:function'"]);
  });

  it('requires the entrypoint module file in the archive', async () => {
    const r = await validate({ manifest: { entrypoint: 'src.missing:handler' } });
    expect(r.errors).toEqual(['agent.yaml: entrypoint - Entrypoint module not found in package: src/missing.py']);
    const pkg = await validate({ manifest: { entrypoint: 'src.rest:mount' } }); // src/rest/__init__.py
    expect(pkg.errors).toEqual([]);
  });

  it('checks the runtime and defaults it to python3.11', async () => {
    const bad = await validate({ manifest: { runtime: 'python2.7' } });
    expect(bad.errors).toEqual([
      'agent.yaml: runtime - Invalid runtime: python2.7. Valid options: node18, node20, python3.9, python3.11, go1.21',
    ]);
    const node = await validate({ manifest: { runtime: 'node20' } });
    expect(node.manifest?.runtime).toBe('node20');
    const omitted = await validate({ manifest: { runtime: undefined } });
    expect(omitted.errors).toEqual([]);
    expect(omitted.manifest?.runtime).toBe('python3.11');
  });

  it('requires capabilities to be a list of strings', async () => {
    const notList = await validate({ manifest: { capabilities: 'chat' } });
    expect(notList.errors).toEqual(['agent.yaml: capabilities - Input should be a valid list']);
    const badItem = await validate({ manifest: { capabilities: ['chat', 3] } });
    expect(badItem.errors).toEqual(['agent.yaml: capabilities.1 - Input should be a valid string']);
  });

  it('requires environment to map strings to strings', async () => {
    const r = await validate({ manifest: { environment: { LOG_LEVEL: 'info', PORT: 8080 } } });
    expect(r.errors).toEqual(['agent.yaml: environment.PORT - Input should be a valid string (quote the value)']);
    const notMap = await validate({ manifest: { environment: ['A=1'] } });
    expect(notMap.errors).toEqual(['agent.yaml: environment - Input should be a valid dictionary']);
  });

  it('checks the dependency format', async () => {
    const r = await validate({ manifest: { dependencies: ['requests>=2.31', 'numpy', 'uvicorn[standard]==0.30.1', 'bad dep>=1'] } });
    expect(r.errors).toEqual([
      'agent.yaml: dependencies.1 - Invalid dependency format: numpy (expected name[extras] and a version constraint, e.g. requests>=2.31)',
      'agent.yaml: dependencies.3 - Invalid dependency format: bad dep>=1 (expected name[extras] and a version constraint, e.g. requests>=2.31)',
    ]);
  });

  it('requires the MCP config file when MCP is enabled', async () => {
    const missing = await validate({ manifest: { mcp: { enabled: true, config_file: 'mcp.json' } } });
    expect(missing.errors).toEqual(['agent.yaml: mcp.config_file - MCP config file not found in package: mcp.json']);
    const present = await validate({ manifest: { mcp: { enabled: true, config_file: 'mcp.json' } }, files: { 'mcp.json': '{}' } });
    expect(present.errors).toEqual([]);
    expect(present.manifest?.mcp).toEqual({ enabled: true, config_file: 'mcp.json' });
    const disabled = await validate({ manifest: { mcp: { enabled: false, config_file: 'mcp.json' } } });
    expect(disabled.errors).toEqual([]);
    const notBool = await validate({ manifest: { mcp: { enabled: 'sometimes' } } });
    expect(notBool.errors).toEqual(['agent.yaml: mcp.enabled - Input should be a valid boolean']);
  });

  it('checks the a2a, rest and ui shapes', async () => {
    const r = await validate({ manifest: { a2a: 'server', rest: { entry: undefined, path: '/x' }, ui: { path: 5 } } });
    expect(r.errors).toEqual([
      'agent.yaml: a2a - Input should be a valid dictionary',
      'agent.yaml: rest.entry - Field required',
      'agent.yaml: ui.path - Input should be a valid string',
    ]);
    const badService = await validate({ manifest: { a2a: { service: 'server' } } });
    expect(badService.errors).toEqual(["agent.yaml: a2a.service - A2A entry must be in format 'module:function'"]);
    const restFunctionOnly = await validate({ manifest: { rest: { entry: 'mount' }, entrypoint: undefined } });
    expect(restFunctionOnly.errors).toEqual([
      "agent.yaml: rest.entry - REST entry must be in 'module:function' format, or entrypoint must be specified",
    ]);
  });

  it('accepts unknown top-level keys with a warning', async () => {
    const r = await validate({ manifest: { permissions: { required: [] }, translation: { supported: true } } });
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual(['agent.yaml: unknown keys are ignored: permissions, translation']);
  });

  it('reads YAML 1.1 booleans as PyYAML does', async () => {
    const r = await validate({
      agentYaml: [
        'name: yes-agent',
        'display_name: Y',
        'description: on',
        'author: a',
        'license: MIT',
        'entrypoint: src.main:handler',
        'mcp:',
        '  enabled: no',
        'metadata:',
        '  version: 1.0.0',
        '',
      ].join('\n'),
      packageJson: null,
    });
    expect(r.errors).toEqual(['agent.yaml: description - Input should be a valid string']);
    const again = await validate({ agentYaml: undefined, manifest: { mcp: { enabled: 'no' } } });
    expect(again.errors).toEqual(['agent.yaml: mcp.enabled - Input should be a valid boolean']); // a quoted 'no' stays a string
    const yes = await validate({ agentYaml: 'name: yes-agent\ndisplay_name: Y\ndescription: d\nauthor: a\nlicense: MIT\nentrypoint: src.main:handler\nmcp:\n  enabled: no\nmetadata:\n  version: 1.0.0\n', packageJson: null });
    expect(yes.errors).toEqual([]);
    expect(yes.manifest?.display_name).toBe('Y'); // PyYAML reads a lone Y as a string
    expect(yes.manifest?.mcp).toEqual({ enabled: false, config_file: null });
  });
});

describe('package version', () => {
  it('reads .pixell/package.json first, then agent.yaml', async () => {
    const r = await validate({
      version: '1.0.0',
      packageJson: { format_version: '1.0', created_by: 'pixell-kit', manifest: { metadata: { version: '1.1.0' } } },
    });
    expect(r.version).toBe('1.1.0');
    expect(r.warnings).toEqual(['.pixell/package.json says version 1.1.0 but agent.yaml says 1.0.0; using 1.1.0']);
    const fromYaml = await validate({ version: '3.0.0', packageJson: null });
    expect(fromYaml.version).toBe('3.0.0');
  });

  it('requires semver', async () => {
    const r = await validate({ version: 'latest' });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual(['Version "latest" is not a valid semantic version (e.g. 1.2.0)']);
    expect(r.version).toBeNull();
    const prefixed = await validate({ version: 'v1.2.0' });
    expect(prefixed.errors).toEqual(['Version "v1.2.0" is not a valid semantic version (e.g. 1.2.0)']);
  });

  it('requires the version to match the one given with the upload', async () => {
    const r = await validate({ version: '1.0.0' }, { expectedVersion: '1.0.1' });
    expect(r.errors).toEqual(['Version mismatch: form says 1.0.1 but the package manifest says 1.0.0']);
    const same = await validate({ version: '1.0.0' }, { expectedVersion: '1.0.0' });
    expect(same.errors).toEqual([]);
  });

  it('asks for a quoted version when YAML reads a number', async () => {
    const r = await validate({ manifest: { metadata: { version: 1.5 } }, packageJson: null });
    expect(r.errors).toEqual(['agent.yaml: metadata.version - Input should be a valid string (quote the version, e.g. "1.2.0")']);
  });
});

describe('.env', () => {
  it('is required', async () => {
    const r = await validate({ env: null });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([MISSING_ENV_MESSAGE]);
    expect(MISSING_ENV_MESSAGE).toBe('Missing required .env file at project root. Create a .env with placeholders or real values.');
    expect(r.env).toBeNull();
  });

  it('must be at the root, not in a folder', async () => {
    const r = await validate({ env: null, files: { 'src/.env': 'A=1\n' } });
    expect(r.errors).toEqual([MISSING_ENV_MESSAGE]);
  });

  it('is parsed for the runtime; invalid lines are warnings, not errors', async () => {
    const r = await validate({ env: 'export A=1\nB="two words"\nthis line is wrong\nC=\n' });
    expect(r.ok).toBe(true);
    expect({ ...r.env }).toEqual({ A: '1', B: 'two words', C: '' });
    expect(r.warnings).toEqual(['.env line 3: ignored (expected KEY=VALUE)']);
  });

  it('warns about real-looking secrets by key name only, never failing', async () => {
    const secrets = {
      OPENAI_API_KEY: 'sk-proj-Zx81Qm3T0vLw9Kp2Rb7N',
      AWS_SECRET_ACCESS_KEY: 'q8Zr1mW0pLk3TnV7sYb2XcFh9DjGe4Ua6RiOt5Ns',
      PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
      SLACK_BOT_TOKEN: 'xoxb-2837461928-Kq8Wm2Lp0Zr7',
      DATABASE_URL: 'postgres://app:Hunter2Hunter2@db:5432/app',
      SIGNING_BLOB: 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1u',
    };
    const env = [
      ...Object.entries(secrets).map(([k, v]) => `${k}="${v.replace(/\n/g, '\\n')}"`),
      'ANTHROPIC_API_KEY=your-anthropic-key',
      'STRIPE_SECRET=changeme',
      'GITHUB_TOKEN=',
      '',
    ].join('\n');
    const r = await validate({ env });
    expect(r.ok).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      '.env appears to contain real secrets for keys: AWS_SECRET_ACCESS_KEY, DATABASE_URL, OPENAI_API_KEY, PRIVATE_KEY, SIGNING_BLOB, SLACK_BOT_TOKEN. Use placeholders in packages and override at deploy time.',
    ]);
    const everything = JSON.stringify([r.errors, r.warnings]);
    for (const value of Object.values(secrets)) {
      expect(everything).not.toContain(value);
      for (const part of value.split(/[\n:@/]/).filter((p) => p.length >= 8)) expect(everything).not.toContain(part);
    }
    expect(r.env?.PRIVATE_KEY).toBe(secrets.PRIVATE_KEY);
  });

  it('warns about absolute local paths', async () => {
    const r = await validate({
      env: 'DATA_DIR=/Users/alice/agent/data\nCACHE=/home/bob/.cache\nWIN="C:\\\\agent\\\\data"\nWIN2=C:/agent\nTMP=/tmp/agent\nREL=./data\n',
    });
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([
      '.env contains absolute path values that may harm portability for keys: CACHE, DATA_DIR, WIN, WIN2. Prefer relative paths or standard locations (e.g. /tmp).',
    ]);
  });

  it('warns about localhost bind addresses', async () => {
    const r = await validate({ env: 'HOST=127.0.0.1\nREDIS_URL=redis://localhost:6379\nBIND=0.0.0.0\nDB_HOST=database\n' });
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([
      '.env uses localhost/127.0.0.1 for keys: HOST, REDIS_URL. Inside a container, bind to 0.0.0.0 and reach other services by their service DNS names.',
    ]);
  });
});

describe('entry safety', () => {
  it.each([
    ['../evil.sh', 'Unsafe entry path "../evil.sh": ".." segments are not allowed in entry names'],
    ['src/../../evil.sh', 'Unsafe entry path "src/../../evil.sh": ".." segments are not allowed in entry names'],
    ['/etc/cron.d/evil', 'Unsafe entry path "/etc/cron.d/evil": absolute paths are not allowed in entry names'],
    ['src\\evil.py', 'Unsafe entry path "src\\evil.py": backslashes are not allowed in entry names'],
    ['..\\evil.py', 'Unsafe entry path "..\\evil.py": backslashes are not allowed in entry names'],
    ['C:/evil.py', 'Unsafe entry path "C:/evil.py": drive letters are not allowed in entry names'],
    ['c:evil.py', 'Unsafe entry path "c:evil.py": drive letters are not allowed in entry names'],
  ])('rejects the entry name %s (zip slip)', async (name, message) => {
    const r = await validate({ entries: [{ name, content: 'echo pwned\n' }] });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([message]);
  });

  it('reports every unsafe entry, not just the first', async () => {
    const r = await validate({
      entries: [
        { name: '../a', content: 'a' },
        { name: '/b', content: 'b' },
        { name: '../dir/', directory: true },
      ],
    });
    expect(r.errors).toEqual([
      'Unsafe entry path "../a": ".." segments are not allowed in entry names',
      'Unsafe entry path "/b": absolute paths are not allowed in entry names',
      'Unsafe entry path "../dir/": ".." segments are not allowed in entry names',
    ]);
  });

  it('rejects symbolic links', async () => {
    const r = await validate({ entries: [{ name: 'src/link.py', symlinkTarget: '/etc/passwd' }] });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual(['Symbolic links are not allowed in packages: "src/link.py"']);
  });

  it('does not take a symlinked .env for the real one', async () => {
    const r = await validate({ env: null, entries: [{ name: '.env', symlinkTarget: '/proc/self/environ' }] });
    expect(r.errors).toEqual(['Symbolic links are not allowed in packages: ".env"', MISSING_ENV_MESSAGE]);
  });

  it('rejects duplicate entries', async () => {
    const r = await validate({ entries: [{ name: 'agent.yaml', content: 'name: other\n' }] });
    expect(r.errors).toEqual(['Duplicate entry in archive: "agent.yaml"']);
  });

  it('rejects entries with an unsupported compression method', async () => {
    const r = await validate({ entries: [{ name: 'data/x.bin', content: 'abc', declaredCompressionMethod: 12 }] });
    expect(r.errors).toEqual(['Entry "data/x.bin" uses an unsupported compression method (12): use deflate']);
  });

  it('rejects more than 10,000 entries before reading them', async () => {
    const base = await validate();
    const r = await validate({ fillerEntries: 10_001 - base.entries });
    expect(r.ok).toBe(false);
    expect(r.entries).toBe(10_001);
    expect(r.errors).toEqual(['Package has too many entries: 10001 (the limit is 10000)']);
    expect(r.uncompressedBytes).toBe(0);
  });

  it('accepts exactly 10,000 entries', async () => {
    const base = await validate();
    const r = await validate({ fillerEntries: 10_000 - base.entries });
    expect(r.errors).toEqual([]);
    expect(r.entries).toBe(10_000);
  });

  it('honours a lower maxEntries', async () => {
    const r = await validate({}, { maxEntries: 5 });
    expect(r.errors).toEqual([`Package has too many entries: ${r.entries} (the limit is 5)`]);
  });
});

describe('zip bombs and lying headers', () => {
  it('stops inflating as soon as the total goes over the limit', async () => {
    const r = await validate(
      { entries: [{ name: 'data/zeros.bin', zeros: 50 * MiB }] },
      { maxTotalUncompressedBytes: 5 * MiB, maxRatio: 100_000 },
    );
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      'Package rejected as a possible zip bomb: its content inflates to more than 5 MiB (stopped at entry "data/zeros.bin")',
    ]);
    // Stopped right after the limit: the other 45 MiB were never inflated.
    expect(r.uncompressedBytes).toBeGreaterThan(5 * MiB);
    expect(r.uncompressedBytes).toBeLessThan(5 * MiB + MiB);
  });

  it('counts the total across entries', async () => {
    const r = await validate(
      {
        entries: [
          { name: 'data/a.bin', content: crypto.randomBytes(MiB) },
          { name: 'data/b.bin', content: crypto.randomBytes(MiB) },
          { name: 'data/c.bin', content: crypto.randomBytes(MiB) },
        ],
      },
      { maxTotalUncompressedBytes: 2.5 * MiB },
    );
    expect(r.errors).toEqual([
      'Package rejected as a possible zip bomb: its content inflates to more than 2560 KiB (stopped at entry "data/c.bin")',
    ]);
  });

  it('rejects an entry over 1 MiB inflating more than 200:1 while inflating it', async () => {
    const file = await fileWith(await buildApkg({ entries: [{ name: 'data/zeros.bin', zeros: 50 * MiB }] }));
    const before = process.memoryUsage().rss;
    const r = await validateApkg(file);
    const grown = process.memoryUsage().rss - before;
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      'Package rejected as a possible zip bomb: entry "data/zeros.bin" inflates more than 200 times its compressed size',
    ]);
    // 50 MiB of zeros deflate to ~50 KiB: the ratio passes 200 at ~10 MiB, far before the end.
    expect(r.uncompressedBytes).toBeLessThan(20 * MiB);
    expect(grown).toBeLessThan(32 * MiB); // holding the entry would take 50 MiB
  });

  it('applies the ratio rule only past 1 MiB', async () => {
    const small = await validate({ entries: [{ name: 'data/zeros.bin', zeros: 512 * 1024 }] });
    expect(small.errors).toEqual([]);
    const incompressible = await validate({ entries: [{ name: 'data/random.bin', content: crypto.randomBytes(3 * MiB) }] });
    expect(incompressible.errors).toEqual([]);
  });

  it('stops when an entry inflates past the size its header declares', async () => {
    const r = await validate({ entries: [{ name: 'data/zeros.bin', zeros: 50 * MiB, declaredUncompressedSize: 1000 }] });
    expect(r.errors).toEqual([
      'Invalid APKG format: entry "data/zeros.bin" inflates to more than the 1000 bytes its header declares (reported size mismatch)',
    ]);
    expect(r.uncompressedBytes).toBeLessThan(MiB);
  });

  it('rejects an entry that inflates to fewer bytes than declared', async () => {
    const r = await validate({ entries: [{ name: 'data/x.txt', content: 'hello', declaredUncompressedSize: 6 }] });
    expect(r.errors).toEqual([
      'Invalid APKG format: entry "data/x.txt" inflates to 5 bytes but its header declares 6 (reported size mismatch)',
    ]);
  });

  it('rejects a stored entry whose sizes disagree', async () => {
    const r = await validate({ entries: [{ name: 'data/x.txt', content: 'hello', compress: false, declaredUncompressedSize: 4 }] });
    expect(r.errors).toEqual([
      'Invalid APKG format: stored entry "data/x.txt" declares 5 compressed bytes but 4 uncompressed bytes (reported size mismatch)',
    ]);
  });

  it('rejects a CRC-32 mismatch', async () => {
    const r = await validate({ entries: [{ name: 'data/x.txt', content: 'hello', declaredCrc32: 0x12345678 }] });
    expect(r.errors).toEqual(['Invalid APKG format: entry "data/x.txt" is corrupt (CRC-32 mismatch)']);
  });

  it('rejects corrupt deflate data', async () => {
    const archive = await buildApkg({ entries: [{ name: 'data/blob.bin', content: crypto.randomBytes(64 * 1024) }] });
    const header = archive.indexOf(Buffer.from('data/blob.bin')) - 30;
    const dataStart = header + 30 + archive.readUInt16LE(header + 26) + archive.readUInt16LE(header + 28);
    archive.fill(0xff, dataStart, dataStart + 64);
    const r = await validateBytes((archive));
    expect(r.ok).toBe(false);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^Invalid APKG format: entry "data\/blob\.bin" is corrupt \(/);
  });

  it('rejects a local header whose name differs from the central directory', async () => {
    const r = await validate({ entries: [{ name: 'src/safe.py', localHeaderName: '../evil.pyc' }] });
    expect(r.errors).toEqual(['Invalid APKG format: entry "src/safe.py" has a different name in its local header']);
  });

  it('rejects a central directory hiding entries behind a lower declared count', async () => {
    const base = await validate();
    const r = await validate({ entries: [{ name: '../hidden.sh', content: 'x' }], declaredEntryCount: base.entries });
    expect(r.errors).toEqual(['Invalid APKG format: the central directory holds more entries than the archive declares']);
  });
});

describe('other builder files', () => {
  it('ignores an unreadable deploy.json or .pixell/package.json with a warning', async () => {
    const r = await validate({ deployJson: '{not json', packageJson: '[1,2]' });
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([
      '.pixell/package.json is not a valid JSON object; it is ignored',
      'deploy.json is not a valid JSON object; it is ignored',
    ]);
    expect(r.deploy).toBeNull();
    expect(r.version).toBe('1.0.0');
  });

  it('rejects an oversized agent.yaml without buffering it', async () => {
    const lines = Array.from({ length: 20_000 }, () => `# ${crypto.randomBytes(32).toString('hex')}`);
    const big = `name: test-agent\n${lines.join('\n')}\n`;
    const r = await validate({ agentYaml: big });
    expect(r.errors).toEqual(['agent.yaml is too large (over 1 MiB)']);
  });

  it('reports every kind of problem in one pass', async () => {
    const r = await validate({
      env: null,
      version: 'latest',
      manifest: { runtime: 'ruby', entrypoint: 'src.nope:run' },
      entries: [{ name: '../x', content: 'x' }],
    });
    expect(r.errors).toEqual([
      'Unsafe entry path "../x": ".." segments are not allowed in entry names',
      'agent.yaml: runtime - Invalid runtime: ruby. Valid options: node18, node20, python3.9, python3.11, go1.21',
      'agent.yaml: entrypoint - Entrypoint module not found in package: src/nope.py',
      'Version "latest" is not a valid semantic version (e.g. 1.2.0)',
      MISSING_ENV_MESSAGE,
    ]);
  });
});

describe('stored entries checked against block CRCs computed while storing', () => {
  const blockBytes = 64 * 1024;
  /** What local storage hands over: the CRC-32 of each aligned block of the file. */
  const blockCrcsOf = (bytes: Buffer) => {
    const crcs: number[] = [];
    for (let at = 0; at < bytes.length; at += blockBytes) crcs.push(zlib.crc32(bytes.subarray(at, at + blockBytes)));
    return { blockBytes, crcs: Uint32Array.from(crcs) };
  };
  const stored = (name: string, size: number) => ({ name, content: crypto.randomBytes(size), compress: false });

  it('gives the same verdict as reading the entries', async () => {
    const archive = await buildApkg({
      entries: [stored('assets/tiny.bin', 10), stored('assets/one-block.bin', blockBytes), stored('assets/many.bin', 5 * blockBytes + 123), stored('assets/empty.bin', 0)],
    });
    const file = await fileWith(archive);
    const read = await validateApkg(file);
    const derived = await validateApkg(file, { blockCrc32: blockCrcsOf(archive) });
    expect(read.errors).toEqual([]);
    expect(derived).toEqual(read);
  });

  it('derives the CRC from the block CRCs it is given (a wrong block CRC is a mismatch)', async () => {
    const archive = await buildApkg({ entries: [stored('assets/model.bin', 4 * blockBytes)] });
    const blocks = blockCrcsOf(archive);
    blocks.crcs[2] ^= 1;
    // From a file only: bytes in memory are checked directly, never through block CRCs.
    const r = await validateApkg(await fileWith(archive), { blockCrc32: blocks });
    expect(r.errors).toEqual(['Invalid APKG format: entry "assets/model.bin" is corrupt (CRC-32 mismatch)']);
  });

  it('still finds a CRC-32 mismatch', async () => {
    const archive = await buildApkg({ entries: [{ ...stored('assets/model.bin', 3 * blockBytes + 7), declaredCrc32: 0x12345678 }] });
    const r = await validateBytes((archive), { blockCrc32: blockCrcsOf(archive) });
    expect(r.errors).toEqual(['Invalid APKG format: entry "assets/model.bin" is corrupt (CRC-32 mismatch)']);
  });

  it('finds stored bytes that were altered after the archive was written', async () => {
    const archive = await buildApkg({ entries: [stored('assets/model.bin', 4 * blockBytes)] });
    const at = archive.indexOf(Buffer.from('assets/model.bin')) + 'assets/model.bin'.length + 2 * blockBytes;
    archive[at] ^= 0xff;
    const r = await validateBytes((archive), { blockCrc32: blockCrcsOf(archive) });
    expect(r.errors).toEqual(['Invalid APKG format: entry "assets/model.bin" is corrupt (CRC-32 mismatch)']);
  });

  it('counts stored bytes toward the total limit', async () => {
    const archive = await buildApkg({ entries: [stored('assets/a.bin', 3 * blockBytes), stored('assets/b.bin', 3 * blockBytes)] });
    const r = await validateBytes((archive), { blockCrc32: blockCrcsOf(archive), maxTotalUncompressedBytes: 5 * blockBytes });
    expect(r.errors).toEqual(['Package rejected as a possible zip bomb: its content inflates to more than 320 KiB (stopped at entry "assets/b.bin")']);
  });

  it('reads the entry when the block CRCs do not cover it', async () => {
    const archive = await buildApkg({ entries: [{ ...stored('assets/model.bin', 4 * blockBytes), declaredCrc32: 1 }] });
    const r = await validateBytes((archive), { blockCrc32: { blockBytes, crcs: new Uint32Array(0) } });
    expect(r.errors).toEqual(['Invalid APKG format: entry "assets/model.bin" is corrupt (CRC-32 mismatch)']);
  });
});
