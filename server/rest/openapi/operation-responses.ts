// Every answer an operation can give: the entry's own responses and errors, plus the statuses the
// middleware in front of every route produces (authentication, CSRF, body parsing, rate limit,
// unexpected and database errors). The document and the response validation both read this, so a
// status is documented exactly when the validation accepts it.
import { errorBody, insufficientCreditsBody } from './common-schemas.ts';
import { authKinds, type ResponseDoc, type RouteDoc } from './route-doc.ts';

/** The answers of the middleware in front of the routes: components.responses of the document. */
export const COMMON_RESPONSES = {
  Unauthorized: { status: 401, description: 'Missing, invalid, rotated or expired credentials (UNAUTHORIZED).' },
  Forbidden: {
    status: 403,
    description: 'Not allowed (FORBIDDEN): role too low, or an API key on a route for signed-in users; or a cross-site request (CSRF_REJECTED).',
  },
  CsrfRejected: {
    status: 403,
    description: 'Cross-site request refused: a mutation not authenticated by a Bearer header from a foreign Origin (CSRF_REJECTED).',
  },
  BadRequest: {
    status: 400,
    description:
      'Malformed request: a body that is not valid JSON (INVALID_JSON), a URL or text that cannot be decoded (NUL characters, bad percent-encoding), or invalid input (VALIDATION_ERROR, `details: [{path, message}]`).',
  },
  BodyTooLarge: { status: 413, description: 'The body is larger than BODY_LIMIT (PAYLOAD_TOO_LARGE).' },
  UnsupportedEncoding: { status: 415, description: 'Unsupported body charset or encoding (UNSUPPORTED_MEDIA_TYPE).' },
  RateLimited: { status: 429, description: 'Rate limit exceeded (RATE_LIMIT_EXCEEDED); retry after `Retry-After` seconds.' },
  InternalError: { status: 500, description: 'Unexpected error (INTERNAL_ERROR); `details.requestId` names it in the server logs.' },
  ServiceUnavailable: { status: 503, description: 'The database is unavailable (SERVICE_UNAVAILABLE), or a service the operation needs (e.g. mail).' },
} as const;

export function operationResponses(route: RouteDoc): Record<number, ResponseDoc> {
  const out: Record<number, ResponseDoc> = { ...route.responses };
  for (const [status, e] of Object.entries(route.errors ?? {})) {
    out[Number(status)] = typeof e === 'string' ? { description: e, schema: status === '402' ? insufficientCreditsBody : errorBody } : e;
  }
  const add = (name: keyof typeof COMMON_RESPONSES) => {
    const { status, description } = COMMON_RESPONSES[name];
    if (!(status in out)) out[status] = { description, schema: errorBody, component: name };
  };
  const kinds = authKinds(route);
  if (kinds.includes('session') || kinds.includes('apiKeyOrSession')) {
    add('Unauthorized');
    add('Forbidden');
  }
  if (route.method !== 'get' && !route.noCsrf) add('CsrfRejected');
  // The body parsers and input checks run in front of every route, whatever it reads.
  add('BadRequest');
  add('BodyTooLarge');
  add('UnsupportedEncoding');
  if (!route.noRateLimit) add('RateLimited');
  add('InternalError');
  add('ServiceUnavailable');
  return out;
}
