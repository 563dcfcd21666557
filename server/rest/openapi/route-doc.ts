// The shape of one entry of the REST registry (server/rest/openapi/sections/*.ts): what a route takes
// and answers, in zod. build-openapi.ts turns the entries into the OpenAPI 3.1 document and
// validate-response.ts checks real responses against the very same schemas, so the document cannot
// drift from what the server does without a test failing.
import type { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Services } from '../../domain/context.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route.
 * - public: nobody needs credentials.
 * - publicOrSession: works anonymously; a signed-in session changes the outcome (accepting an invitation).
 * - session: a signed-in user's session (cookie `pixell_session` or the access token as Bearer); API keys get 403.
 * - apiKeyOrSession: a member of an organization: API key (`pac_…`) or session, as Bearer or cookie.
 * - cronSecret: the `x-cron-secret` header (CRON_SECRET).
 * - runtimeToken: `Authorization: Bearer <RUNTIME_TOKEN>` (the agent runtime reporting usage).
 * - stripeSignature: the `Stripe-Signature` header over the raw body (STRIPE_WEBHOOK_SECRET).
 * - signedUrl: the HMAC signature in the query string of a link the API handed out.
 */
export type AuthKind = 'public' | 'publicOrSession' | 'session' | 'apiKeyOrSession' | 'cronSecret' | 'runtimeToken' | 'stripeSignature' | 'signedUrl';

export type Role = 'member' | 'admin' | 'owner';

/** A JSON response body (validated with the zod schema) or a non-JSON one (validated by content type). */
export type ResponseDoc =
  | { description: string; schema: z.ZodType; headers?: Record<string, HeaderDoc>; /** Shared components.responses entry. */ component?: string }
  | { description: string; contentType: string; format?: 'binary' | 'text'; headers?: Record<string, HeaderDoc>; component?: undefined };

export type HeaderDoc = { description: string; required?: boolean };

export type MultipartDoc = {
  /** The text fields (the zod schema the route parses them with). */
  fields: z.ZodObject;
  /** The file parts: name → description, and whether the part is required. */
  files: Record<string, { description: string; required: boolean }>;
};

export type RouteDoc = {
  method: HttpMethod;
  /** Express-style full path, e.g. `/api/agent-apps/:id/packages/:packageId`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** One kind, or several alternatives (any of them is enough). */
  auth: AuthKind | AuthKind[];
  /** Least organization role the route needs (organization routes). */
  role?: Role;
  request?: {
    /** Path parameters; a parameter not named here is a plain string. */
    params?: z.ZodObject;
    query?: z.ZodObject;
    /** JSON body. */
    body?: z.ZodType;
    /** multipart/form-data body. */
    multipart?: MultipartDoc;
    /** A body the route reads raw (not parsed as JSON by the API). */
    raw?: { contentType: string; description: string };
    /** Headers the route reads (besides authentication). */
    headers?: Record<string, HeaderDoc>;
  };
  /** Successful answers, by status. */
  responses: Record<number, ResponseDoc>;
  /**
   * Error answers this route produces itself (the body is always the shared Error schema, except a
   * ResponseDoc given here). Statuses every route shares (429, 500, 503, CSRF 403, body parser errors,
   * authentication) are added by `operationResponses`.
   */
  errors?: Record<number, string | ResponseDoc>;
  /** Not subject to the per-IP/per-organization rate limit (mounted before it). */
  noRateLimit?: boolean;
  /** Not subject to the CSRF Origin check (mounted before it). */
  noCsrf?: boolean;
  /** The route is mounted only under this condition (e.g. not in production). */
  mountedWhen?: { description: string; test: (config: Config, services: Services) => boolean };
};

/** `/api/agent-apps/:id` → `/api/agent-apps/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** `GET /api/agent-apps/:id`: the key route inventories use. */
export function routeKey(route: Pick<RouteDoc, 'method' | 'path'>): string {
  return `${route.method.toUpperCase()} ${route.path}`;
}

export function authKinds(route: Pick<RouteDoc, 'auth'>): AuthKind[] {
  return Array.isArray(route.auth) ? route.auth : [route.auth];
}
