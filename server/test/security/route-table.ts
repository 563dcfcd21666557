// Every mounted route, classified for the security sweeps. inventory.test.ts fails when a mounted
// route has no entry here (or an entry names a route that is no longer mounted), so a new route is
// swept as soon as it is classified:
//   public         callable without credentials (sign-up, login, invitation links, health, …)
//   shared-secret  authenticated by a secret that is not a user credential (cron secret, Stripe
//                  signature, signed download link, metrics token)
//   session        needs a signed-in user (a session, as Bearer or cookie); API keys get 403
//   org            needs a member of an organization (session or API key) with at least `role`
// `build` makes a valid request of a team (creating fresh resources for the ids it takes) that the
// team's owner (or nobody, for public and shared-secret routes) sends with status `ok`; `ids` says
// where the organization's ids are (path params by default), for the tenancy sweep.
import type { Role } from '../../../db/schema/index.ts';
import {
  CRON_SECRET,
  METRICS_TOKEN,
  apkgForm,
  archive,
  newApiKey,
  newApp,
  newCheckout,
  newDelivery,
  newDeployment,
  newDownload,
  newEmailToken,
  newInvitation,
  newMember,
  newPackage,
  newSecret,
  newSession,
  newWebhook,
  signedStripeEvent,
  unique,
  type Built,
  type Credentials,
  type Person,
  type Team,
  type World,
} from './world.ts';
import { createUserFixture, uniqueEmail } from '../harness.ts';

export type Access =
  | { kind: 'public'; note: string }
  | { kind: 'shared-secret'; note: string; /** Status and code without the secret. */ anonymous: [number, string] }
  | { kind: 'session'; note?: string }
  | { kind: 'org'; role: Extract<Role, 'member' | 'admin'>; note?: string };

export type RouteSpec = {
  access: Access;
  /** Credentials the route accepts (default both: session and API key). */
  via?: 'both' | 'session' | 'apiKey';
  build: (w: World, team: Team) => Promise<Built>;
  /** Status of the built request sent by the team's owner (public / shared-secret: by nobody). */
  ok: number;
  /** Where the organization's ids are: `params.<name>` (default: every path param), `json.<field>`, `query.<field>`. */
  ids?: string[];
  /** The ids only filter a list: a foreign one may answer 200 with an empty list instead of 404. */
  listFilter?: boolean;
  /** The request changes (or ends) the sender's own session: the sweeps send it with a fresh session. */
  freshSession?: boolean;
  /** Why the CSRF Origin check does not apply. */
  csrfExempt?: string;
};

const none = async (): Promise<Built> => ({});
const member = (note?: string): Access => ({ kind: 'org', role: 'member', note });
const admin = (note?: string): Access => ({ kind: 'org', role: 'admin', note });
const pub = (note: string): Access => ({ kind: 'public', note });
const today = () => new Date().toISOString().slice(0, 10);

const appRoute = async (w: World, team: Team): Promise<Built> => ({ params: { id: await newApp(w, team) } });
const deploymentRoute = async (w: World, team: Team): Promise<Built> => ({ params: { id: (await newDeployment(w, team)).deploymentId } });
const webhookRoute = async (w: World, team: Team): Promise<Built> => {
  const h = await newWebhook(w, team);
  return { params: { id: h.appId, webhookId: h.webhookId } };
};
const checkoutRoute = async (w: World, team: Team): Promise<Built> => ({ params: { id: await newCheckout(w, team) } });

export const ROUTES: Record<string, RouteSpec> = {
  // --- signature / secret authenticated, and public -------------------------------------------
  'POST /api/stripe/webhook': {
    access: { kind: 'shared-secret', note: 'Stripe-Signature over the raw body', anonymous: [400, 'VALIDATION_ERROR'] },
    csrfExempt: 'called by Stripe, authenticated by its signature; mounted before the Origin check',
    build: async () => {
      const e = await signedStripeEvent();
      return { json: JSON.parse(e.body), headers: { 'stripe-signature': e.signature } };
    },
    ok: 200,
  },
  'GET /api/health': { access: pub('health check'), build: none, ok: 200 },
  'GET /api/storage/download': {
    access: { kind: 'shared-secret', note: 'HMAC-signed, expiring link', anonymous: [403, 'FORBIDDEN'] },
    build: async (w) => ({ query: await newDownload(w.t) }),
    ok: 200,
  },
  'POST /api/cron/process-deployments': {
    access: { kind: 'shared-secret', note: 'x-cron-secret', anonymous: [401, 'UNAUTHORIZED'] },
    build: async () => ({ headers: { 'x-cron-secret': CRON_SECRET } }),
    ok: 200,
  },
  'GET /metrics': {
    access: { kind: 'shared-secret', note: 'METRICS_TOKEN bearer', anonymous: [401, 'UNAUTHORIZED'] },
    build: async () => ({ headers: { authorization: `Bearer ${METRICS_TOKEN}` } }),
    ok: 200,
  },
  'GET /api/deployments/queue/stats': { access: pub('documented as public: counts only'), build: none, ok: 200 },
  'GET /api/openapi.json': { access: pub('the API description'), build: none, ok: 200 },
  'GET /api/docs': { access: pub('the API reference page'), build: none, ok: 200 },
  'GET /api/dev/outbox': { access: pub('development mail outbox; not mounted when NODE_ENV=production'), build: none, ok: 200 },

  'POST /api/auth/signup': {
    access: pub('sign-up'),
    build: async () => ({ json: { email: uniqueEmail('signup'), password: 'correct horse battery', organizationName: 'Signed up' } }),
    ok: 201,
  },
  'POST /api/auth/verify-email': {
    access: pub('email link'),
    build: async (w, team) => ({ json: { token: await newEmailToken(w.t, (await newUserOf(w, team)).userId, 'verify_email') } }),
    ok: 200,
  },
  'POST /api/auth/resend-verification': { access: pub('email link'), build: async (_w, team) => ({ json: { email: team.member.email } }), ok: 200 },
  'POST /api/auth/login': {
    access: pub('login'),
    build: async (_w, team) => ({ json: { email: team.member.email, password: team.member.password } }),
    ok: 200,
  },
  'POST /api/auth/refresh': {
    access: pub('refresh token in the body'),
    build: async (w, team) => ({ json: { refresh_token: (await newSession(w.t, team.member.userId, team.orgId)).refreshToken } }),
    ok: 200,
  },
  'POST /api/auth/forgot-password': { access: pub('password reset request'), build: async (_w, team) => ({ json: { email: team.member.email } }), ok: 200 },
  'POST /api/auth/reset-password': {
    access: pub('email link'),
    build: async (w, team) => ({
      json: { token: await newEmailToken(w.t, (await newUserOf(w, team)).userId, 'reset_password'), password: 'another horse battery' },
    }),
    ok: 200,
  },
  'GET /api/invitations/:token': {
    access: pub('invitation link'),
    build: async (w, team) => ({ params: { token: (await newInvitation(w, team)).token } }),
    ids: [],
    ok: 200,
  },
  'POST /api/invitations/accept': {
    access: pub('invitation link (signs up, or joins with a session)'),
    build: async (w, team) => ({ json: { token: (await newInvitation(w, team)).token, password: 'correct horse battery' } }),
    ok: 200,
  },

  // --- a signed-in user ---------------------------------------------------------------------
  'POST /api/auth/logout': { access: { kind: 'session' }, via: 'session', build: none, ok: 200, freshSession: true },
  'GET /api/auth/session': { access: { kind: 'session' }, via: 'session', build: none, ok: 200 },
  'POST /api/auth/switch-organization': {
    access: { kind: 'session' },
    via: 'session',
    build: async (_w, team) => ({ json: { organizationId: team.orgId } }),
    ids: ['json.organizationId'],
    ok: 200,
    freshSession: true,
  },

  // --- organization -------------------------------------------------------------------------
  'GET /api/organizations/current': { access: member(), build: none, ok: 200 },
  'PATCH /api/organizations/current': { access: admin('organization settings'), build: async (_w, team) => ({ json: { name: team.name } }), ok: 200 },
  'GET /api/organizations/members': { access: member(), build: none, ok: 200 },
  'POST /api/organizations/members': {
    access: admin('inviting members'),
    build: async () => ({ json: { email: uniqueEmail('invite'), role: 'member' } }),
    ok: 201,
  },
  'DELETE /api/organizations/members/:userId': {
    access: admin('removing others (admins remove members only; anyone may leave)'),
    build: async (w, team) => ({ params: { userId: await newMember(w, team) } }),
    ok: 200,
  },
  'GET /api/organizations/invitations': { access: admin('pending invitations'), build: none, ok: 200 },
  'DELETE /api/organizations/invitations/:id': {
    access: admin('revoking invitations'),
    build: async (w, team) => ({ params: { id: (await newInvitation(w, team)).id } }),
    ok: 200,
  },

  // --- API keys -----------------------------------------------------------------------------
  'GET /api/api-keys': { access: member(), build: none, ok: 200 },
  'POST /api/api-keys': { access: member(), build: async () => ({ json: { name: unique('key') } }), ok: 201 },
  'DELETE /api/api-keys/:id': {
    access: admin("others' keys (members manage the keys they created)"),
    build: async (w, team) => ({ params: { id: await newApiKey(w, team) } }),
    ok: 200,
  },
  'POST /api/api-keys/:id/rotate': {
    access: admin("others' keys (members manage the keys they created)"),
    build: async (w, team) => ({ params: { id: await newApiKey(w, team) } }),
    ok: 200,
  },

  // --- agent apps ---------------------------------------------------------------------------
  'GET /api/agent-apps': { access: member(), build: none, ok: 200 },
  'POST /api/agent-apps': { access: member(), build: async () => ({ json: { name: unique('app'), description: 'swept', is_public: false } }), ok: 201 },
  'GET /api/agent-apps/:id': { access: member(), build: appRoute, ok: 200 },
  'PATCH /api/agent-apps/:id': { access: member(), build: async (w, team) => ({ ...(await appRoute(w, team)), json: { description: 'patched' } }), ok: 200 },
  'DELETE /api/agent-apps/:id': { access: admin('deleting an app'), build: appRoute, ok: 200 },
  'GET /api/audit-logs': { access: admin('audit log'), build: async () => ({ query: { limit: '5' } }), ok: 200 },

  // --- packages -----------------------------------------------------------------------------
  'POST /api/agent-apps/:id/packages': {
    access: member(),
    build: async (w, team) => {
      const file = await archive();
      return { ...(await appRoute(w, team)), form: async () => apkgForm(file, { version: '1.0.0' }) };
    },
    ok: 201,
  },
  'POST /api/agent-apps/:id/packages/deploy': {
    access: member(),
    build: async (w, team) => {
      const file = await archive();
      return { ...(await appRoute(w, team)), form: async () => apkgForm(file, { version: '1.0.0', environment: '{"SWEEP":"1"}' }) };
    },
    ok: 202,
  },
  'GET /api/agent-apps/:id/packages': { access: member(), build: appRoute, ok: 200 },
  'DELETE /api/agent-apps/:id/packages/:packageId': {
    access: member(),
    build: async (w, team) => {
      const p = await newPackage(w, team);
      return { params: { id: p.appId, packageId: p.packageId } };
    },
    ok: 200,
  },

  // --- deployment webhooks ------------------------------------------------------------------
  'GET /api/agent-apps/:id/webhooks': { access: member(), build: appRoute, ok: 200 },
  'POST /api/agent-apps/:id/webhooks': {
    access: member(),
    build: async (w, team) => ({ ...(await appRoute(w, team)), json: { url: 'http://127.0.0.1:9/hook', events: ['deployment.failed'] } }),
    ok: 201,
  },
  'PATCH /api/agent-apps/:id/webhooks/:webhookId': { access: member(), build: async (w, team) => ({ ...(await webhookRoute(w, team)), json: { active: false } }), ok: 200 },
  'DELETE /api/agent-apps/:id/webhooks/:webhookId': { access: member(), build: webhookRoute, ok: 200 },
  'GET /api/agent-apps/:id/webhooks/:webhookId/deliveries': { access: member(), build: async (w, team) => ({ ...(await webhookRoute(w, team)), query: { limit: '5' } }), ok: 200 },
  'POST /api/agent-apps/:id/webhooks/:webhookId/test': { access: member(), build: webhookRoute, ok: 202 },
  'POST /api/agent-apps/:id/webhooks/:webhookId/deliveries/:deliveryId/redeliver': {
    access: member(),
    build: async (w, team) => {
      const d = await newDelivery(w, team);
      return { params: { id: d.appId, webhookId: d.webhookId, deliveryId: d.deliveryId } };
    },
    ok: 202,
  },

  // --- app secrets --------------------------------------------------------------------------
  'GET /api/agent-apps/:id/secrets': {
    access: admin('secret values (members list names with ?names_only=true)'),
    build: async (w, team) => ({ params: { id: (await newSecret(w, team)).appId } }),
    ok: 200,
  },
  'POST /api/agent-apps/:id/secrets': { access: member(), build: async (w, team) => ({ ...(await appRoute(w, team)), json: { secrets: { SWEEP_A: 'a' } } }), ok: 200 },
  'PUT /api/agent-apps/:id/secrets/:key': {
    access: member(),
    build: async (w, team) => ({ params: { id: await newApp(w, team), key: 'SWEEP_PUT' }, json: { value: 'v' } }),
    ids: ['params.id'],
    ok: 200,
  },
  'DELETE /api/agent-apps/:id/secrets/:key': {
    access: member(),
    build: async (w, team) => {
      const s = await newSecret(w, team);
      return { params: { id: s.appId, key: s.key } };
    },
    ids: ['params.id'],
    ok: 200,
  },
  'DELETE /api/agent-apps/:id/secrets': { access: member(), build: async (w, team) => ({ params: { id: (await newSecret(w, team)).appId } }), ok: 200 },

  // --- deployments --------------------------------------------------------------------------
  'GET /api/deployments': {
    access: member(),
    build: async (w, team) => ({ query: { app_id: (await newDeployment(w, team)).appId } }),
    ids: ['query.app_id'],
    listFilter: true,
    ok: 200,
  },
  'GET /api/deployments/:id': { access: member(), build: deploymentRoute, ok: 200 },
  'GET /api/deployments/:id/logs': { access: member(), build: deploymentRoute, ok: 200 },
  'GET /api/deployments/:id/events': { access: member('Server-Sent Events'), build: deploymentRoute, ok: 200 },
  'POST /api/deployments/:id/cancel': { access: member(), build: deploymentRoute, ok: 200 },
  'POST /api/deployments/:id/redeploy': { access: member(), build: deploymentRoute, ok: 202 },
  'POST /api/agent-apps/:id/rollback': {
    access: member(),
    build: async (w, team) => {
      const p = await newPackage(w, team);
      return { params: { id: p.appId }, json: { package_id: p.packageId } };
    },
    ids: ['params.id', 'json.package_id'],
    ok: 202,
  },

  // --- credits & billing --------------------------------------------------------------------
  'GET /api/credits/balance': { access: member(), build: none, ok: 200 },
  'GET /api/credits/history': { access: member(), build: async () => ({ query: { limit: '5' } }), ok: 200 },
  'GET /api/credits/packages': { access: member(), build: none, ok: 200 },
  'POST /api/credits/topup': { access: admin('billing'), build: async () => ({ json: { package: 'starter' } }), ok: 200 },
  'GET /api/credits/checkout/:id': { access: member(), build: checkoutRoute, ok: 200 },
  'POST /api/credits/checkout/:id/pay': { access: admin('billing'), build: checkoutRoute, ok: 200 },
  'POST /api/credits/checkout/:id/cancel': { access: admin('billing'), build: checkoutRoute, ok: 200 },

  // --- usage --------------------------------------------------------------------------------
  'GET /api/usage/metrics': { access: member(), build: none, ok: 200 },
  'GET /api/usage/chart': { access: member(), build: async () => ({ query: { days: '7' } }), ok: 200 },
  'GET /api/usage/activity': { access: member(), build: async () => ({ query: { limit: '5' } }), ok: 200 },
  'POST /api/usage/export': { access: member(), build: async () => ({ json: { format: 'csv', startDate: today(), endDate: today() } }), ok: 200 },
  'POST /api/usage/events': {
    access: member('reported with an API key (or RUNTIME_TOKEN)'),
    via: 'apiKey',
    build: async (w, team) => ({ json: { agent_app_id: await newApp(w, team), type: 'invocation', count: 1, credits: 1 } }),
    ids: ['json.agent_app_id'],
    ok: 201,
  },
};

/** A fresh unverified user of the team, for the email-token routes. */
function newUserOf(w: World, team: Team) {
  return createUserFixture(w.t, { orgId: team.orgId, role: 'member', verified: false });
}

/** The routes the issue names explicitly: members get 403 on all of them. */
export const MEMBER_FORBIDDEN = [
  'PATCH /api/organizations/current',
  'POST /api/organizations/members',
  'DELETE /api/organizations/members/:userId',
  'GET /api/organizations/invitations',
  'DELETE /api/organizations/invitations/:id',
  'DELETE /api/api-keys/:id',
  'POST /api/api-keys/:id/rotate',
  'POST /api/credits/topup',
  'POST /api/credits/checkout/:id/pay',
  'POST /api/credits/checkout/:id/cancel',
  'GET /api/audit-logs',
  'DELETE /api/agent-apps/:id',
];

export function routeKey(method: string, path: string): string {
  return `${method} ${path}`;
}

export function splitKey(key: string): { method: string; path: string } {
  const i = key.indexOf(' ');
  return { method: key.slice(0, i), path: key.slice(i + 1) };
}

/** Where a route's ids are (see RouteSpec.ids). */
export function idsOf(key: string, spec: RouteSpec): string[] {
  if (spec.ids) return spec.ids;
  return [...splitKey(key).path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => `params.${m[1]}`);
}

/** Reads or replaces one id of a built request (`params.x`, `json.x`, `query.x`). */
export function getId(b: Built, where: string): string {
  const [part, name] = where.split('.');
  const holder = (part === 'params' ? b.params : part === 'query' ? b.query : (b.json as Record<string, string> | undefined)) ?? {};
  const v = holder[name];
  if (typeof v !== 'string') throw new Error(`no id at ${where}`);
  return v;
}

export function withId(b: Built, where: string, value: string): Built {
  const [part, name] = where.split('.');
  if (part === 'params') return { ...b, params: { ...b.params, [name]: value } };
  if (part === 'query') return { ...b, query: { ...b.query, [name]: value } };
  return { ...b, json: { ...(b.json as object), [name]: value } };
}

/** The credentials of `p` for a request of `spec` (a fresh session when the route changes it). */
export async function credentialsOf(w: World, p: Person, spec: RouteSpec, via: 'session' | 'apiKey' | 'cookie'): Promise<Credentials> {
  if (via === 'apiKey') return { bearer: p.key };
  const token = spec.freshSession ? (await newSession(w.t, p.userId, p.orgId)).accessToken : p.token;
  return via === 'cookie' ? { cookie: token } : { bearer: token };
}

/** The kinds of credentials a user-authenticated route accepts. */
export function viasOf(spec: RouteSpec): Array<'session' | 'apiKey'> {
  if (spec.via === 'session') return ['session'];
  if (spec.via === 'apiKey') return ['apiKey'];
  return ['session', 'apiKey'];
}

/** True for routes that need no user credentials. */
export const isOpen = (spec: RouteSpec) => spec.access.kind === 'public' || spec.access.kind === 'shared-secret';

/** The owner's valid request of a route (nobody's for open routes). */
export async function ownerRequest(w: World, team: Team, spec: RouteSpec): Promise<{ built: Built; creds: Credentials }> {
  const built = await spec.build(w, team);
  if (isOpen(spec)) return { built, creds: {} };
  return { built, creds: await credentialsOf(w, team.owner, spec, viasOf(spec)[0]) };
}
