// Every REST route of the API, one entry per method and path, grouped by section. The coverage test
// (openapi.test.ts) fails when a mounted route has no entry here or an entry names a route that is not
// mounted; the test harness validates every response against its entry.
import type { Config } from '../../config.ts';
import type { Services } from '../../domain/context.ts';
import type { RouteDoc } from './route-doc.ts';
import { agentAppRouteDocs } from './sections/agent-apps.ts';
import { apiKeyRouteDocs } from './sections/api-keys.ts';
import { auditLogRouteDocs } from './sections/audit-logs.ts';
import { authRouteDocs } from './sections/auth.ts';
import { creditRouteDocs } from './sections/credits.ts';
import { deploymentRouteDocs } from './sections/deployments.ts';
import { devRouteDocs } from './sections/dev.ts';
import { docsRouteDocs } from './sections/docs.ts';
import { healthRouteDocs } from './sections/health.ts';
import { organizationRouteDocs } from './sections/organizations.ts';
import { packageRouteDocs } from './sections/packages.ts';
import { secretRouteDocs } from './sections/secrets.ts';
import { storageRouteDocs } from './sections/storage.ts';
import { stripeRouteDocs } from './sections/stripe.ts';
import { usageRouteDocs } from './sections/usage.ts';
import { webhookRouteDocs } from './sections/webhooks.ts';

/** In the order of the document (and of rest-api.md where it has one). */
export const REST_ROUTES: readonly RouteDoc[] = [
  ...authRouteDocs,
  ...organizationRouteDocs,
  ...apiKeyRouteDocs,
  ...agentAppRouteDocs,
  ...packageRouteDocs,
  ...creditRouteDocs,
  ...usageRouteDocs,
  ...stripeRouteDocs,
  ...deploymentRouteDocs,
  ...webhookRouteDocs,
  ...secretRouteDocs,
  ...auditLogRouteDocs,
  ...healthRouteDocs,
  ...storageRouteDocs,
  ...devRouteDocs,
  ...docsRouteDocs,
];

/** The tags in document order, with their descriptions. */
export const TAGS: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'Authentication', description: 'Accounts, sessions, email verification and password reset.' },
  { name: 'Organizations', description: 'The current organization, its members and invitations.' },
  { name: 'API keys', description: 'Keys for CLIs and CI jobs (`Authorization: Bearer pac_…`).' },
  { name: 'Agent apps', description: 'Agents of the organization.' },
  { name: 'Packages', description: 'APKG uploads and deploys (multipart/form-data).' },
  { name: 'Credits & billing', description: 'Balance, ledger, top-ups and the Stripe webhook.' },
  { name: 'Usage', description: 'Usage metrics, chart, activity, exports and invocation reports.' },
  { name: 'Deployments', description: 'Deployment status, logs, live events, cancel, rollback, redeploy and the queue.' },
  { name: 'Webhooks', description: 'Signed deployment event deliveries to your endpoints.' },
  { name: 'Secrets', description: 'App secrets injected into the agent’s environment at deploy time.' },
  { name: 'Audit log', description: 'Every mutating action of the organization.' },
  { name: 'Health', description: 'Liveness and dependencies.' },
  { name: 'Storage', description: 'Signed download links of local storage.' },
  { name: 'Development', description: 'Routes that exist only outside production.' },
  { name: 'API reference', description: 'This document and its interactive reference.' },
];

/** The routes an app built with this configuration mounts. */
export function mountedRouteDocs(config: Config, services: Services): RouteDoc[] {
  return REST_ROUTES.filter((r) => !r.mountedWhen || r.mountedWhen.test(config, services));
}
