// What the audit log can be filtered by: categories of actions (each one or more action prefixes)
// and resource types, with their labels. Kept apart from the page's query so that the route's
// search schema, which the router loads up front, does not pull in the page.
export const AUDIT_CATEGORIES = {
  auth: { label: 'Sign-in and account', prefixes: ['user.'] },
  organization: { label: 'Organization', prefixes: ['organization.'] },
  member: { label: 'Members', prefixes: ['member.'] },
  invitation: { label: 'Invitations', prefixes: ['invitation.'] },
  api_key: { label: 'API keys', prefixes: ['api_key.'] },
  agent_app: { label: 'Agent apps', prefixes: ['agent_app.'] },
  package: { label: 'Packages', prefixes: ['package.'] },
  deployment: { label: 'Deployments', prefixes: ['deployment.'] },
  webhook: { label: 'Webhooks', prefixes: ['webhook.'] },
  secret: { label: 'Secrets', prefixes: ['secret.', 'secrets.'] },
  credits: { label: 'Billing and credits', prefixes: ['credits.'] },
  usage: { label: 'Usage exports', prefixes: ['usage.'] },
} as const satisfies Record<string, { label: string; prefixes: readonly string[] }>;

export type AuditCategory = keyof typeof AUDIT_CATEGORIES;
export const AUDIT_CATEGORY_NAMES = Object.keys(AUDIT_CATEGORIES) as [AuditCategory, ...AuditCategory[]];

export const RESOURCE_TYPES = {
  agent_app: 'Agent app',
  deployment: 'Deployment',
  package: 'Package',
  webhook: 'Webhook',
  api_key: 'API key',
  organization: 'Organization',
  member: 'Member',
  invitation: 'Invitation',
  user: 'User',
  session: 'Session',
  checkout_session: 'Checkout',
  usage_export: 'Usage export',
} as const;

export type ResourceType = keyof typeof RESOURCE_TYPES;
export const RESOURCE_TYPE_NAMES = Object.keys(RESOURCE_TYPES) as [ResourceType, ...ResourceType[]];
