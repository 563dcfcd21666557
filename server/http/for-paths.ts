// Mounts a router only for the path prefixes its routes live under: a request whose path cannot
// match any of them skips the router with one regular-expression test, instead of walking each of
// its layers and leaving it through a setImmediate (what Express does for a router without a match).
// Paths are kept as they are (no prefix is stripped), so req.baseUrl, req.route.path and with them
// the metrics' route labels stay the same. Matching follows Express's own: case-insensitive, a
// prefix ends at a `/` or at the end of the path.
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';

type LayerLike = { route?: { path: unknown }; rawPath?: unknown; slash?: boolean };

/** A handler that runs `router` for paths under `prefixes` (e.g. ['/agent-apps']) and skips it otherwise. */
export function forPaths(prefixes: readonly string[], router: Router): RequestHandler & { stack: unknown[] } {
  if (prefixes.length === 0) throw new Error('forPaths: at least one prefix is needed');
  for (const p of prefixes) {
    if (!/^\/[^/]+$/.test(p)) throw new Error(`forPaths: a prefix is one path segment such as /agent-apps, got ${JSON.stringify(p)}`);
  }
  const matches = new RegExp(`^(?:${prefixes.map(escapeRegExp).join('|')})(?:/|$)`, 'i');
  // A route or middleware of the router outside the prefixes would silently stop answering: refuse
  // such a mapping when the app is built.
  for (const layer of router.stack as LayerLike[]) {
    const raw = layer.route ? layer.route.path : layer.rawPath;
    const paths = Array.isArray(raw) ? raw : [raw];
    for (const p of paths) {
      if (typeof p !== 'string' || layer.slash || !matches.test(p)) {
        throw new Error(`forPaths: ${layer.slash ? 'a middleware of every path' : String(p)} is outside ${prefixes.join(', ')}`);
      }
    }
  }
  const handler = (req: Request, res: Response, next: NextFunction) => {
    if (matches.test(req.path)) return router(req, res, next);
    next();
  };
  // Route listings that walk the app's router stack (server/test/route-inventory.ts) still see the
  // router's routes through the handler.
  return Object.assign(handler, { stack: router.stack });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
