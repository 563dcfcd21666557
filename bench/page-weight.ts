// Page weight (issue 5): the JavaScript the browser downloads on the first load of the dashboard
// (`/`), gzipped, from the build output. Goal: ≤ 250 kB gzipped; recharts (the charts) and the
// upload/deploy wizard load on demand.
// Reads dist/ (runs `vite build` first when dist/index.html is missing). The first load is the
// entry script of index.html, its <link rel="modulepreload">s, and the static-import closure of the
// entry plus that of the route chunks of the dashboard: every code-split piece of web/routes/__root.tsx,
// web/routes/_app.tsx and web/routes/_app/index.tsx (TanStack Router loads a matched route's component,
// pending, error and not-found pieces together). Imports are read from the built chunks with Vite's
// parser; which source modules a chunk holds comes from its source map, or from
// dist/.vite/manifest.json when there is one. Each file is gzipped at level 9; 1 kB = 1000 bytes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseAst } from 'vite';
import { root } from './lib.ts';

const BUDGET = 250_000;
const dist = path.join(root, 'dist');
const DASHBOARD_ROUTE_FILES = ['web/routes/__root.tsx', 'web/routes/_app.tsx', 'web/routes/_app/index.tsx'];
const WIZARD_FILE = 'web/routes/_app/apps/$appId/deploy.tsx';
const CHARTS_PACKAGE = 'node_modules/recharts/';

if (!fs.existsSync(path.join(dist, 'index.html'))) {
  console.log('dist/index.html missing: building…');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('vite build failed');
}

type Node = { type: string; [key: string]: unknown };

/** Static and dynamic import specifiers of a built ES module. */
function importsOf(code: string): { staticImports: string[]; dynamicImports: string[] } {
  const ast = parseAst(code) as unknown as { body: Node[] };
  const staticImports: string[] = [];
  const dynamicImports: string[] = [];
  for (const n of ast.body) {
    const source = n.source as { value?: unknown } | null | undefined;
    if ((n.type === 'ImportDeclaration' || n.type === 'ExportNamedDeclaration' || n.type === 'ExportAllDeclaration') && typeof source?.value === 'string') {
      staticImports.push(source.value);
    }
  }
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const n = node as Node;
    if (n.type === 'ImportExpression') {
      const s = n.source as Node & { value?: unknown; quasis?: { value: { cooked: string } }[]; expressions?: unknown[] };
      if (s.type === 'Literal' && typeof s.value === 'string') dynamicImports.push(s.value);
      else if (s.type === 'TemplateLiteral' && s.expressions?.length === 0) dynamicImports.push(s.quasis![0].value.cooked);
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'type' && v && typeof v === 'object') walk(v);
  };
  walk(ast.body);
  return { staticImports, dynamicImports };
}

type Chunk = { file: string; bytes: Buffer; gzip: number; staticImports: string[]; dynamicImports: string[]; sources: string[] };
const chunks = new Map<string, Chunk>();

/** `assets/x.js` (relative to dist) of a specifier found in `from` (or in index.html when from is null). */
function resolveFile(spec: string, from: string | null): string {
  if (spec.startsWith('/')) return spec.slice(1);
  return path.posix.normalize(path.posix.join(from ? path.posix.dirname(from) : '', spec));
}

const manifestPath = path.join(dist, '.vite', 'manifest.json');
const manifest: Record<string, { file: string; src?: string }> | null = fs.existsSync(manifestPath) ? JSON.parse(fs.readFileSync(manifestPath, 'utf8')) : null;

function sourcesOf(file: string): string[] {
  const mapPath = path.join(dist, `${file}.map`);
  if (fs.existsSync(mapPath)) {
    const map = JSON.parse(fs.readFileSync(mapPath, 'utf8')) as { sources: string[] };
    return map.sources.map((s) => path.relative(root, path.resolve(path.dirname(mapPath), s)).split(path.sep).join('/'));
  }
  // Generated chunks (the bundler's runtime) have no map; they hold no source module.
  if (manifest) return Object.entries(manifest).filter(([, m]) => m.file === file).map(([key, m]) => `web/${m.src ?? key}`);
  return [];
}

function load(file: string): Chunk {
  let c = chunks.get(file);
  if (c) return c;
  const bytes = fs.readFileSync(path.join(dist, file));
  const { staticImports, dynamicImports } = importsOf(bytes.toString('utf8'));
  c = {
    file,
    bytes,
    gzip: zlib.gzipSync(bytes, { level: 9 }).length,
    staticImports: staticImports.map((s) => resolveFile(s, file)),
    dynamicImports: dynamicImports.map((s) => resolveFile(s, file)),
    sources: sourcesOf(file),
  };
  chunks.set(file, c);
  return c;
}

/** The chunk and everything it imports statically (loaded before it runs). */
function staticClosure(file: string, into: Set<string>): Set<string> {
  if (into.has(file)) return into;
  into.add(file);
  for (const dep of load(file).staticImports) staticClosure(dep, into);
  return into;
}

// Every JS chunk reachable from the entry (static or dynamic), to find the route chunks.
const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const entry = /<script[^>]*type="module"[^>]*src="([^"]+)"/.exec(html)?.[1];
if (!entry) throw new Error('no module script in dist/index.html');
const entryFile = resolveFile(entry, null);
const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => resolveFile(m[1], null));
const css = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => resolveFile(m[1], null));
const pending = [entryFile];
const reachable = new Set<string>();
while (pending.length > 0) {
  const f = pending.pop()!;
  if (reachable.has(f)) continue;
  reachable.add(f);
  const c = load(f);
  pending.push(...c.staticImports, ...c.dynamicImports);
}

if (![...reachable].some((f) => load(f).sources.length > 0)) throw new Error('no source maps and no dist/.vite/manifest.json: cannot tell which modules the chunks hold');
const routeChunks = [...reachable].filter((f) => load(f).sources.some((s) => DASHBOARD_ROUTE_FILES.includes(s.split('?')[0]) && s.includes('?')));
const firstLoad = staticClosure(entryFile, new Set());
for (const f of preloads) staticClosure(f, firstLoad);
for (const f of routeChunks) staticClosure(f, firstLoad);

const list = [...firstLoad].map((f) => load(f)).sort((a, b) => b.gzip - a.gzip);
const total = list.reduce((s, c) => s + c.gzip, 0);
const raw = list.reduce((s, c) => s + c.bytes.length, 0);
const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;
const holds = (files: Iterable<string>, test: (source: string) => boolean) => [...files].filter((f) => load(f).sources.some(test));

console.log(`first load of the dashboard: ${list.length} JavaScript files (entry, modulepreloads, and the route chunks ${routeChunks.map((f) => path.basename(f)).join(', ')} with their imports)`);
for (const c of list) console.log(`  ${kB(c.gzip).padStart(9)} gz  ${kB(c.bytes.length).padStart(9)} raw  ${c.file}`);
const cssGzip = css.reduce((s, f) => s + zlib.gzipSync(fs.readFileSync(path.join(dist, f)), { level: 9 }).length, 0);
console.log(`gzipped JavaScript on first load: ${kB(total)} = ${(total / 1024).toFixed(1)} KiB (${kB(raw)} before gzip)`);
console.log(`ratio to the 250 kB budget: ${(total / BUDGET).toFixed(3)} (goal ≤ 1.000); to 250 KiB: ${(total / (250 * 1024)).toFixed(3)}`);
console.log(`(stylesheet, not counted: ${kB(cssGzip)} gzipped)`);
const chartsFirst = holds(firstLoad, (s) => s.includes(CHARTS_PACKAGE));
const chartsLater = holds(reachable, (s) => s.includes(CHARTS_PACKAGE)).filter((f) => !firstLoad.has(f));
// The wizard's UI is the code-split part of its route file; the route definition itself (path,
// search schema, loader) sits in the entry chunk like every route's, and is not the wizard.
const isWizard = (s: string) => s.startsWith(`${WIZARD_FILE}?tsr-split`);
const wizardFirst = holds(firstLoad, isWizard);
const wizardLater = holds(reachable, isWizard).filter((f) => !firstLoad.has(f));
const sizeOf = (files: string[]) => kB(files.reduce((s, f) => s + load(f).gzip, 0));
console.log(`recharts on first load: ${chartsFirst.length ? `YES (${chartsFirst.join(', ')})` : 'no'}; loaded on demand in ${chartsLater.join(', ') || '—'} (${sizeOf(chartsLater)} gz)`);
console.log(`upload wizard on first load: ${wizardFirst.length ? `YES (${wizardFirst.join(', ')})` : 'no'}; loaded on demand in ${wizardLater.join(', ') || '—'} (${sizeOf(wizardLater)} gz)`);
if (routeChunks.length === 0) console.log('warning: no code-split chunk of the dashboard route was found (is autoCodeSplitting on?)');
