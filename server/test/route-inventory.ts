// Lists every route mounted on an Express app by walking its router stack: `GET /api/agent-apps/:id`,
// … in mount order. Sub-routers mounted with `use(path, router)` are entered (their mount path is
// prefixed); plain middleware (the tRPC adapter, body parsers, rate limits) is not a route and is
// skipped. Used by the security sweeps so that a route added later is swept (or fails the
// inventory test until it is classified).
import type { Express } from 'express';

export type MountedRoute = {
  method: string;
  /** The full path pattern, e.g. `/api/agent-apps/:id/packages/:packageId`. */
  path: string;
  /** `METHOD path`, the key the sweep tables use. */
  key: string;
};

type Layer = {
  rawPath?: unknown;
  slash?: boolean;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
};

function pathText(p: unknown): string {
  if (p === undefined || p === null) return '';
  if (Array.isArray(p)) return p.map(pathText).join('|');
  if (p instanceof RegExp) return `/${p.source}/`;
  return String(p);
}

function join(prefix: string, p: string): string {
  if (!p || p === '/') return prefix || '/';
  if (p.startsWith('/^') || p.startsWith('/(')) return `${prefix}${p}`; // regexp pattern text
  return `${prefix.replace(/\/$/, '')}${p.startsWith('/') ? p : `/${p}`}`;
}

function walk(stack: Layer[], prefix: string, out: MountedRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const path = join(prefix, pathText(layer.route.path));
      const methods = Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m]);
      for (const m of methods) {
        const method = m === '_all' ? 'ALL' : m.toUpperCase();
        out.push({ method, path, key: `${method} ${path}` });
      }
    } else if (Array.isArray(layer.handle?.stack)) {
      walk(layer.handle.stack, layer.slash ? prefix : join(prefix, pathText(layer.rawPath)), out);
    }
  }
}

/** Every route of the app, in mount order (a path mounted twice is listed twice). */
export function listMountedRoutes(app: Express): MountedRoute[] {
  const router = (app as unknown as { router?: { stack: Layer[] } }).router;
  if (!router) throw new Error('listMountedRoutes: the app has no router (no route mounted yet)');
  const out: MountedRoute[] = [];
  walk(router.stack, '', out);
  return out;
}

/** Fills `:params` of a route pattern (values are URI-encoded). Throws when one has no value. */
export function fillPath(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`fillPath: no value for :${name} in ${pattern}`);
    return encodeURIComponent(v);
  });
}

/** The `:param` names of a route pattern, in order. */
export function pathParams(pattern: string): string[] {
  return [...pattern.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
}
