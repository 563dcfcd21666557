// How a request reaches its handler without walking an Express router layer by layer.
//
// An Express router visits every layer in turn: for each one it matches the path, allocates the
// match and its parameters, wraps the call in closures, and a router left without a match costs a
// setImmediate. An allocation profile under load put these at a third of everything a request
// allocates. So the API is built from two plain pieces instead:
// - `chain(handlers)` runs middleware in order with Express's `next` semantics (an error skips the
//   rest, a rejected promise is an error, `next('router')` leaves the chain);
// - `dispatchByPrefix(entries)` looks the first path segment up in a table and runs only the
//   routers mounted for it (in the order given), so a request enters the one or two routers that
//   can answer it, once.
// Paths are kept as they are (no prefix is stripped), so req.baseUrl, req.route.path and with them
// the metrics' route labels stay those of Express. Matching follows Express's own: case-insensitive,
// a prefix ends at a `/` or at the end of the path.
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';

type LayerLike = { route?: { path: unknown }; rawPath?: unknown; slash?: boolean };
/** What the route inventory (server/test/route-inventory.ts) walks: a `use` layer of every path. */
type PseudoLayer = { slash: true; handle: unknown };
type Handler = (req: Request, res: Response, next: NextFunction) => unknown;

/** Middleware that runs `handlers` in order, like an Express router of `use(fn)` layers. */
export function chain(handlers: readonly Handler[]): RequestHandler & { stack: PseudoLayer[] } {
  const run = (req: Request, res: Response, out: NextFunction) => {
    let i = 0;
    const next = (err?: unknown): void => {
      if (err === 'router') return out();
      if (err !== undefined && err !== null && err !== 'route') return out(err);
      if (i >= handlers.length) return out();
      const handler = handlers[i++];
      try {
        const ret = handler(req, res, next);
        if (ret && typeof (ret as Promise<unknown>).then === 'function') {
          (ret as Promise<unknown>).then(undefined, (e: unknown) => next(e || new Error('Rejected promise')));
        }
      } catch (e) {
        next(e);
      }
    };
    next();
  };
  return Object.assign(run, { stack: handlers.map((handle): PseudoLayer => ({ slash: true, handle })) });
}

/**
 * Middleware that runs, for a path whose first segment is one of an entry's prefixes (e.g.
 * '/agent-apps'), that entry's router; routers sharing a prefix run in the order given, each
 * passing on what it does not answer. Other paths go straight to `next`. Every route and middleware
 * of a router must lie under its prefixes, which is checked here, when the app is built: one
 * outside them would silently stop answering.
 */
export function dispatchByPrefix(entries: readonly (readonly [prefixes: readonly string[], router: Router])[]): RequestHandler & { stack: PseudoLayer[] } {
  const routersBySegment = new Map<string, Router[]>();
  for (const [prefixes, router] of entries) {
    checkUnderPrefixes(prefixes, router);
    for (const p of prefixes) {
      const key = p.toLowerCase();
      const list = routersBySegment.get(key) ?? [];
      list.push(router);
      routersBySegment.set(key, list);
    }
  }
  const table = new Map<string, Handler>();
  for (const [segment, routers] of routersBySegment) table.set(segment, routers.length === 1 ? routers[0] : chain(routers));

  const dispatch = (req: Request, res: Response, next: NextFunction) => {
    const path = req.path;
    const end = path.indexOf('/', 1);
    const segment = end === -1 ? path : path.slice(0, end);
    const handler = table.get(segment) ?? table.get(segment.toLowerCase());
    if (handler) return handler(req, res, next);
    next();
  };
  return Object.assign(dispatch, { stack: entries.map(([, router]): PseudoLayer => ({ slash: true, handle: router })) });
}

function checkUnderPrefixes(prefixes: readonly string[], router: Router): void {
  if (prefixes.length === 0) throw new Error('dispatchByPrefix: at least one prefix is needed');
  for (const p of prefixes) {
    if (!/^\/[^/]+$/.test(p)) throw new Error(`dispatchByPrefix: a prefix is one path segment such as /agent-apps, got ${JSON.stringify(p)}`);
  }
  const matches = underPrefix(...prefixes);
  for (const layer of router.stack as LayerLike[]) {
    const raw = layer.route ? layer.route.path : layer.rawPath;
    const paths = Array.isArray(raw) ? raw : [raw];
    for (const p of paths) {
      if (typeof p !== 'string' || layer.slash || !matches(p)) {
        throw new Error(`dispatchByPrefix: ${layer.slash ? 'a middleware of every path' : String(p)} is outside ${prefixes.join(', ')}`);
      }
    }
  }
}

/** A test of whether a path (req.path) lies under one of `prefixes`, matched like Express's mount. */
export function underPrefix(...prefixes: string[]): (path: string) => boolean {
  const re = new RegExp(`^(?:${prefixes.map(escapeRegExp).join('|')})(?:/|$)`, 'i');
  return (path) => re.test(path);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
