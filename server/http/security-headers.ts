// Security headers. The SPA, its static files and the HTML API reference (/api/docs and its assets)
// get helmet's full set with the app's Content-Security-Policy. The JSON API under /api/ gets the
// short, precomputed set the OWASP REST Security Cheat Sheet recommends for API responses: nothing
// may be loaded, framed or sniffed from them (stricter than the page policy), no referrer leaves,
// no other origin may embed them; plus the same HSTS as the pages in production.
// https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html#security-headers
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

const HSTS = { maxAge: 31_536_000, includeSubDomains: true } as const;

/** Paths of the JSON API: /api and below (matched like Express's mount: case-insensitive). */
const API_PATH = /^\/api(?:\/|$)/i;
/** The HTML reference and its script/style assets, which are pages, not API responses. */
const API_DOCS_PATH = /^\/api\/docs(?:\/|$)/i;

export function securityHeaders(options: { isProduction: boolean }): RequestHandler {
  const pages = helmet({
    contentSecurityPolicy: {
      directives: {
        'script-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'upgrade-insecure-requests': options.isProduction ? [] : null,
      },
    },
    strictTransportSecurity: options.isProduction ? HSTS : false,
  });
  const api: [string, string][] = [
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ['Referrer-Policy', 'no-referrer'],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
  ];
  // The value helmet writes for HSTS (the test compares both sides).
  if (options.isProduction) api.push(['Strict-Transport-Security', `max-age=${HSTS.maxAge}; includeSubDomains`]);

  return (req: Request, res: Response, next: NextFunction) => {
    const path = req.path;
    if (!API_PATH.test(path) || API_DOCS_PATH.test(path)) return pages(req, res, next);
    for (const [name, value] of api) res.setHeader(name, value);
    next();
  };
}
