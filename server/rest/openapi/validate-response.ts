// Checks a real HTTP answer against the REST registry: the status must be documented for the route
// and a JSON body must match the documented zod schema of that status (objects are strict: an
// undocumented field fails too). Non-JSON answers (event streams, downloads, HTML) are checked by
// content type. The test harness runs this on every response (server/test/harness.ts).
import fs from 'node:fs';
import type { z } from 'zod';
import { errorBody } from './common-schemas.ts';
import { operationResponses } from './operation-responses.ts';
import { REST_ROUTES } from './registry.ts';
import { routeKey, type ResponseDoc, type RouteDoc } from './route-doc.ts';

type CompiledRoute = { route: RouteDoc; key: string; regex: RegExp; params: number; responses: Record<number, ResponseDoc> };

/**
 * Paths under /api that are not REST operations and are not checked here, on purpose:
 * - /api/trpc: the SPA's tRPC transport (its own protocol, typed end to end by tRPC).
 * - /api/docs/assets/: static files of the API reference (the Scalar bundle and its init script).
 */
export const UNCHECKED_API_PREFIXES = ['/api/trpc', '/api/docs/assets/'];

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile(route: RouteDoc): CompiledRoute {
  const parts = route.path.split(/(:[A-Za-z_][A-Za-z0-9_]*)/);
  const source = parts.map((p) => (p.startsWith(':') ? '[^/]+' : escapeRegex(p))).join('');
  // Express matches case-insensitively and with an optional trailing slash (non-strict routing).
  return {
    route,
    key: routeKey(route),
    regex: new RegExp(`^${source}/?$`, 'i'),
    params: parts.filter((p) => p.startsWith(':')).length,
    responses: operationResponses(route),
  };
}

let compiled: CompiledRoute[] | undefined;

/** The documented route that answers `method path` (a literal segment wins over a parameter, as mounted). */
export function findDocumentedRoute(method: string, pathname: string): RouteDoc | undefined {
  return findCompiled(method, pathname)?.route;
}

function findCompiled(method: string, pathname: string): CompiledRoute | undefined {
  compiled ??= REST_ROUTES.map(compile);
  const m = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
  let best: CompiledRoute | undefined;
  for (const c of compiled) {
    if (c.route.method !== m || !c.regex.test(pathname)) continue;
    if (!best || c.params < best.params) best = c;
  }
  return best;
}

export type ObservedResponse = {
  method: string;
  /** Path with or without the query string. */
  url: string;
  status: number;
  contentType: string | null;
  /** Raw body text ('' for none). */
  text: string;
};

export class UndocumentedResponseError extends Error {
  override name = 'UndocumentedResponseError';
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 12)
    .map((i) => `  - ${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`)
    .join('\n');
}

/**
 * Throws UndocumentedResponseError when the answer is not what the registry documents. Answers of
 * /api paths that no documented route matches (unknown routes, wrong methods) must be errors in the
 * shared `{error, code, details?}` shape. Paths outside /api and UNCHECKED_API_PREFIXES are ignored.
 */
export function assertDocumentedResponse(res: ObservedResponse): void {
  const pathname = new URL(res.url, 'http://x').pathname;
  if (!/^\/api(\/|$)/i.test(pathname)) return;
  if (UNCHECKED_API_PREFIXES.some((p) => pathname.toLowerCase().startsWith(p))) return;
  const method = res.method.toUpperCase();
  if (method === 'OPTIONS') return; // Express answers OPTIONS itself (Allow header)
  const where = `${method} ${pathname} → ${res.status}`;
  const found = findCompiled(method, pathname);

  if (!found) {
    if (res.status < 400) throw new UndocumentedResponseError(`${where}: no documented route answers this request (add it to server/rest/openapi/sections/)`);
    if (method !== 'HEAD') checkJson(where, res, errorBody);
    return;
  }
  // A route mounted only under a condition (dev outbox, local downloads) is a plain 404 elsewhere.
  const doc = found.responses[res.status] ?? (res.status === 404 && found.route.mountedWhen ? { description: 'Not mounted', schema: errorBody } : undefined);
  if (!doc) {
    const documented = Object.keys(found.responses).join(', ');
    throw new UndocumentedResponseError(`${where}: status ${res.status} is not documented for ${found.key} (documented: ${documented})\n  body: ${res.text.slice(0, 300)}`);
  }
  // OPENAPI_RESPONSE_LOG=<file>: append `METHOD path status` of every checked answer (which documented
  // answers the suite exercises).
  if (process.env.OPENAPI_RESPONSE_LOG) fs.appendFileSync(process.env.OPENAPI_RESPONSE_LOG, `${found.key} ${res.status}\n`);
  if (method === 'HEAD') return;
  if ('schema' in doc) {
    checkJson(`${where} (${found.key})`, res, doc.schema);
  } else if (!(res.contentType ?? '').toLowerCase().startsWith(doc.contentType)) {
    throw new UndocumentedResponseError(`${where} (${found.key}): content type ${res.contentType ?? '(none)'} is not the documented ${doc.contentType}`);
  }
}

function checkJson(where: string, res: ObservedResponse, schema: z.ZodType): void {
  if (!(res.contentType ?? '').toLowerCase().startsWith('application/json')) {
    throw new UndocumentedResponseError(`${where}: expected a JSON body, got content type ${res.contentType ?? '(none)'}: ${res.text.slice(0, 200)}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    throw new UndocumentedResponseError(`${where}: the body is not valid JSON: ${res.text.slice(0, 200)}`);
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new UndocumentedResponseError(
      `${where}: the body does not match the documented schema\n${formatIssues(result.error.issues)}\n  body: ${res.text.slice(0, 500)}`,
    );
  }
}
