// Builds the OpenAPI 3.1 document from the REST registry. Schemas are the routes' own zod schemas,
// turned into JSON Schema 2020-12 (which OpenAPI 3.1 uses as is) by zod's native `z.toJSONSchema`:
// requests with `io: 'input'` (what a client sends: defaults make fields optional), responses with
// `io: 'output'`. Schemas carrying `.meta({ id })` become components.schemas entries.
import fs from 'node:fs';
import { z } from 'zod';
import { operationResponses } from './operation-responses.ts';
import { TAGS } from './registry.ts';
import { authKinds, openApiPath, type AuthKind, type ResponseDoc, type RouteDoc } from './route-doc.ts';

export type JsonSchema = { [key: string]: unknown };
export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string; description?: string }>;
  tags: Array<{ name: string; description: string }>;
  security: Array<Record<string, string[]>>;
  paths: Record<string, Record<string, JsonSchema>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
    headers: Record<string, JsonSchema>;
    responses: Record<string, JsonSchema>;
  };
};

export const OPENAPI_VERSION = '3.1.1';
export const SESSION_COOKIE_NAME = 'pixell_session';

/** The package version (package.json), the document's `info.version`. */
export function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

const DESCRIPTION = `REST API of Pixell Agent Cloud: upload, deploy and operate AI agents packaged as APKG.

**Authentication.** \`Authorization: Bearer <token>\` takes an API key (\`pac_…\`) or a session \`access_token\` (from \`POST /api/auth/login\`); otherwise the \`${SESSION_COOKIE_NAME}\` cookie set at login. A Bearer header always decides: a bad one is 401 and never falls back to the cookie. An API key acts in the organization that owns it, with the current role of the member who created it.

**Errors** are always \`{"error": message, "code": CODE, "details"?: …}\`; invalid input is 400 \`VALIDATION_ERROR\` with \`details: [{path, message}]\`. Another organization's resource is 404, never 403.

**Rate limits.** Per organization when authenticated, per IP otherwise, in one-hour windows; every response carries \`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\` and \`X-RateLimit-Reset\`; over the limit → 429 with \`Retry-After\`.

**CSRF.** A POST/PATCH/PUT/DELETE not authenticated by a Bearer header whose \`Origin\` (or \`Referer\`) is neither PUBLIC_URL's origin nor the request's host → 403 \`CSRF_REJECTED\`.`;

const SECURITY_SCHEMES: Record<string, JsonSchema> = {
  cookieAuth: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE_NAME,
    description: 'The session cookie set by `POST /api/auth/login` (HttpOnly, SameSite=Lax).',
  },
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (`pac_…`, created at `POST /api/api-keys`) or a session `access_token`.',
  },
  cronSecret: { type: 'apiKey', in: 'header', name: 'x-cron-secret', description: 'CRON_SECRET, for an external scheduler.' },
  runtimeToken: { type: 'http', scheme: 'bearer', description: 'RUNTIME_TOKEN: the agent runtime reporting invocations.' },
  stripeSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'Stripe-Signature',
    description: 'Stripe’s signature over the raw body, checked with STRIPE_WEBHOOK_SECRET.',
  },
};

const COMMON_HEADERS: Record<string, JsonSchema> = {
  'X-Request-Id': { description: 'Id of the request in the server logs (a sane incoming X-Request-Id is kept).', schema: { type: 'string' } },
  'X-RateLimit-Limit': { description: 'Requests allowed in the current window.', schema: { type: 'integer' } },
  'X-RateLimit-Remaining': { description: 'Requests left in the current window.', schema: { type: 'integer' } },
  'X-RateLimit-Reset': { description: 'When the window ends (Unix seconds).', schema: { type: 'integer' } },
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } },
};

function securityOf(route: RouteDoc): Array<Record<string, string[]>> {
  const out: Array<Record<string, string[]>> = [];
  const push = (s: Record<string, string[]>) => {
    const key = JSON.stringify(s);
    if (!out.some((o) => JSON.stringify(o) === key)) out.push(s);
  };
  const map: Record<AuthKind, Array<Record<string, string[]>>> = {
    public: [{}],
    publicOrSession: [{}, { cookieAuth: [] }, { bearerAuth: [] }],
    session: [{ cookieAuth: [] }, { bearerAuth: [] }],
    apiKeyOrSession: [{ cookieAuth: [] }, { bearerAuth: [] }],
    cronSecret: [{ cronSecret: [] }],
    runtimeToken: [{ runtimeToken: [] }],
    stripeSignature: [{ stripeSignature: [] }],
    // The HMAC signature in the query string is the authorization (documented as query parameters).
    signedUrl: [{}],
  };
  for (const kind of authKinds(route)) for (const s of map[kind]) push(s);
  // `[{}]` alone is "no authentication": OpenAPI spells it as an empty list.
  return out.length === 1 && Object.keys(out[0]).length === 0 ? [] : out;
}

const AUTH_TEXT: Record<AuthKind, string> = {
  public: 'No authentication.',
  publicOrSession: 'No authentication needed; a signed-in session changes the outcome.',
  session: 'A signed-in user’s session (cookie, or the access token as Bearer); API keys get 403.',
  apiKeyOrSession: 'An API key or a session of a member of the organization.',
  cronSecret: 'The `x-cron-secret` header (CRON_SECRET).',
  runtimeToken: '`Authorization: Bearer <RUNTIME_TOKEN>` (the agent runtime).',
  stripeSignature: 'The `Stripe-Signature` header over the raw body.',
  signedUrl: 'The HMAC signature of the link (`sig`); no session.',
};

/** JSON Schema conversion that collects `.meta({ id })` schemas into components. */
class SchemaConverter {
  readonly components: Record<string, JsonSchema> = {};
  readonly responses: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, {
      io,
      target: 'draft-2020-12',
      unrepresentable: 'any',
      reused: 'inline',
      cycles: 'ref',
      override: ({ jsonSchema }) => {
        // zod writes the regular expression behind each string format; the format says it already.
        const j = jsonSchema as JsonSchema;
        if (typeof j.format === 'string' && ['date-time', 'date', 'uuid', 'email'].includes(j.format)) delete j.pattern;
        // …and the safe-integer bounds of every `.int()`.
        if (j.maximum === Number.MAX_SAFE_INTEGER) delete j.maximum;
        if (j.minimum === Number.MIN_SAFE_INTEGER) delete j.minimum;
      },
    }) as JsonSchema;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;
    for (const [name, def] of Object.entries(defs)) {
      const rewritten = rewriteRefs(def) as JsonSchema;
      const existing = this.components[name];
      if (existing && JSON.stringify(existing) !== JSON.stringify(rewritten)) {
        throw new Error(`OpenAPI: schema component "${name}" has two different definitions (${io})`);
      }
      this.components[name] = rewritten;
    }
    return rewriteRefs(json) as JsonSchema;
  }
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = k === '$ref' && typeof v === 'string' ? v.replace(/^#\/\$defs\//, '#/components/schemas/') : rewriteRefs(v);
    }
    return out;
  }
  return value;
}

function parametersOf(route: RouteDoc, conv: SchemaConverter): JsonSchema[] {
  const params: JsonSchema[] = [];
  const pathShape = route.request?.params ? (conv.convert(route.request.params, 'input').properties as Record<string, JsonSchema>) : {};
  for (const m of route.path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const { description, ...schema } = pathShape?.[m[1]] ?? { type: 'string' };
    params.push({ name: m[1], in: 'path', required: true, schema, ...(description ? { description } : {}) });
  }
  if (route.request?.query) {
    const q = conv.convert(route.request.query, 'input');
    const required = new Set((q.required as string[] | undefined) ?? []);
    for (const [name, prop] of Object.entries((q.properties ?? {}) as Record<string, JsonSchema>)) {
      const { description, ...schema } = prop;
      params.push({ name, in: 'query', required: required.has(name), schema, ...(description ? { description } : {}) });
    }
  }
  for (const [name, h] of Object.entries(route.request?.headers ?? {})) {
    params.push({ name, in: 'header', required: h.required ?? false, description: h.description, schema: { type: 'string' } });
  }
  return params;
}

function requestBodyOf(route: RouteDoc, conv: SchemaConverter): JsonSchema | undefined {
  const req = route.request;
  if (req?.body) return { required: true, content: { 'application/json': { schema: conv.convert(req.body, 'input') } } };
  if (req?.multipart) {
    const fields = conv.convert(req.multipart.fields, 'input');
    const properties: Record<string, JsonSchema> = { ...((fields.properties ?? {}) as Record<string, JsonSchema>) };
    const required = [...((fields.required as string[] | undefined) ?? [])];
    for (const [name, f] of Object.entries(req.multipart.files)) {
      properties[name] = { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream', description: f.description };
      if (f.required) required.push(name);
    }
    const schema: JsonSchema = { type: 'object', properties, ...(required.length ? { required } : {}) };
    return { required: true, content: { 'multipart/form-data': { schema } } };
  }
  if (req?.raw) return { required: true, description: req.raw.description, content: { [req.raw.contentType]: { schema: {} } } };
  return undefined;
}

function responseOf(route: RouteDoc, status: number, doc: ResponseDoc, conv: SchemaConverter): JsonSchema {
  if (doc.component) {
    // Shared middleware answers: one components.responses entry (its headers are the common ones).
    conv.responses[doc.component] ??= responseOf({ ...route, noRateLimit: false }, status, { ...doc, component: undefined }, conv);
    return { $ref: `#/components/responses/${doc.component}` };
  }
  const headers: Record<string, JsonSchema> = { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } };
  if (!route.noRateLimit) {
    for (const h of ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']) headers[h] = { $ref: `#/components/headers/${h}` };
  }
  if (status === 429 || status === 503) headers['Retry-After'] = { $ref: '#/components/headers/Retry-After' };
  for (const [name, h] of Object.entries(doc.headers ?? {})) headers[name] = { description: h.description, schema: { type: 'string' } };
  const content =
    'schema' in doc
      ? { 'application/json': { schema: conv.convert(doc.schema, 'output') } }
      : { [doc.contentType]: { schema: doc.format === 'binary' ? { type: 'string', format: 'binary', contentMediaType: doc.contentType } : { type: 'string' } } };
  return { description: doc.description, headers, content };
}

function operationOf(route: RouteDoc, conv: SchemaConverter): JsonSchema {
  const kinds = authKinds(route);
  const notes = [
    `**Authentication:** ${kinds.map((k) => AUTH_TEXT[k]).join(' Or: ')}`,
    route.role ? `**Role:** ${route.role} or higher.` : '',
    route.mountedWhen ? `**Mounted only when** ${route.mountedWhen.description}.` : '',
  ].filter(Boolean);
  const responses: Record<string, JsonSchema> = {};
  const all = operationResponses(route);
  for (const status of Object.keys(all).map(Number).sort((a, b) => a - b)) responses[String(status)] = responseOf(route, status, all[status], conv);
  const parameters = parametersOf(route, conv);
  const requestBody = requestBodyOf(route, conv);
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: [route.description ?? '', ...notes].filter(Boolean).join('\n\n'),
    tags: route.tags,
    security: securityOf(route),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    'x-pixell-auth': kinds,
    ...(route.role ? { 'x-pixell-role': route.role } : {}),
  };
}

export function buildOpenApiDocument(opts: { routes: readonly RouteDoc[]; publicUrl: string; version?: string }): OpenApiDocument {
  const conv = new SchemaConverter();
  const paths: OpenApiDocument['paths'] = {};
  const seen = new Set<string>();
  for (const route of opts.routes) {
    const p = openApiPath(route.path);
    if (seen.has(route.operationId)) throw new Error(`OpenAPI: duplicate operationId ${route.operationId}`);
    seen.add(route.operationId);
    paths[p] ??= {};
    if (paths[p][route.method]) throw new Error(`OpenAPI: ${route.method.toUpperCase()} ${route.path} is registered twice`);
    paths[p][route.method] = operationOf(route, conv);
  }
  const used = new Set(opts.routes.flatMap((r) => r.tags));
  const schemas = Object.fromEntries(Object.entries(conv.components).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: OPENAPI_VERSION,
    info: { title: 'Pixell Agent Cloud API', version: opts.version ?? packageVersion(), description: DESCRIPTION },
    servers: [{ url: opts.publicUrl, description: 'This server (PUBLIC_URL)' }],
    tags: TAGS.filter((t) => used.has(t.name)),
    security: [{ cookieAuth: [] }, { bearerAuth: [] }],
    paths,
    components: { schemas, responses: conv.responses, securitySchemes: SECURITY_SCHEMES, headers: COMMON_HEADERS },
  };
}
