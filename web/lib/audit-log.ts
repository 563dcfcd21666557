// The audit log page's readable action labels and its paged query (the filter vocabulary is in
// audit-categories.ts). `auditLogs.list` filters `action` exactly or by one prefix ending with ".";
// a category that spans several prefixes (secrets are `secret.*` for one key and `secrets.*` for the
// whole set) reads one stream per prefix and merges them newest first, keeping what it fetched but
// did not show yet for the next page, so "Load more" never skips or repeats an entry.
import { useInfiniteQuery } from '@tanstack/react-query';
import type { inferRouterInputs } from '@trpc/server';
import type { AppRouter } from '../../server/trpc/router.ts';
import type { RouterOutputs } from './deployments.ts';
import { AUDIT_CATEGORIES, type AuditCategory, RESOURCE_TYPES } from './audit-categories.ts';
import { useTRPC, useTRPCClient } from './trpc.ts';

export type AuditEntry = RouterOutputs['auditLogs']['list']['entries'][number];

const ACTION_LABELS: Record<string, string> = {
  'user.signup': 'Signed up',
  'user.verify_email': 'Verified email address',
  'user.login': 'Logged in',
  'user.logout': 'Logged out',
  'user.password_reset': 'Reset password',
  'organization.create': 'Created organization',
  'organization.update': 'Updated organization',
  'member.remove': 'Removed member',
  'member.leave': 'Left organization',
  'invitation.create': 'Invited member',
  'invitation.accept': 'Accepted invitation',
  'invitation.revoke': 'Revoked invitation',
  'api_key.create': 'Created API key',
  'api_key.rotate': 'Rotated API key',
  'api_key.delete': 'Deleted API key',
  'agent_app.create': 'Created agent app',
  'agent_app.update': 'Updated agent app',
  'agent_app.delete': 'Deleted agent app',
  'package.upload': 'Uploaded package',
  'package.overwrite': 'Overwrote package',
  'package.delete': 'Deleted package',
  'deployment.create': 'Started deployment',
  'deployment.cancel': 'Cancelled deployment',
  'deployment.redeploy': 'Redeployed',
  'deployment.rollback': 'Rolled back',
  'webhook.create': 'Added webhook',
  'webhook.update': 'Updated webhook',
  'webhook.delete': 'Deleted webhook',
  'webhook.test': 'Sent test webhook event',
  'webhook.redeliver': 'Redelivered webhook event',
  'secret.create': 'Added secret',
  'secret.update': 'Updated secret',
  'secret.delete': 'Deleted secret',
  'secrets.set': 'Saved secrets (bulk)',
  'secrets.replace': 'Replaced all secrets',
  'secrets.delete_all': 'Deleted all secrets',
  'credits.checkout': 'Started credit purchase',
  'credits.checkout_cancel': 'Cancelled credit purchase',
  'credits.purchase': 'Bought credits',
  'usage.export': 'Exported usage',
};

/** "Created agent app" for a known code, else the code made readable ("foo.bar_baz" → "Foo bar baz"). */
export function actionLabel(action: string): string {
  const known = ACTION_LABELS[action];
  if (known) return known;
  const words = action.replace(/[._]+/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : action;
}

export function resourceTypeLabel(type: string): string {
  return (RESOURCE_TYPES as Record<string, string>)[type] ?? type.replace(/_/g, ' ');
}

export type AuditFilters = Omit<inferRouterInputs<AppRouter>['auditLogs']['list'], 'action' | 'cursor' | 'limit'> & { category?: AuditCategory };

type Stream = { action: string | undefined; cursor: string | undefined; buffer: AuditEntry[]; done: boolean };
type Page = { entries: AuditEntry[]; next: Stream[] | null };

const newestFirst = (a: AuditEntry, b: AuditEntry) => {
  const dt = new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime();
  if (dt !== 0) return dt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
};

export const AUDIT_PAGE_SIZE = 50;

export function useAuditLogPages(filters: AuditFilters, options: { enabled: boolean }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const { category, ...rest } = filters;
  const prefixes: (string | undefined)[] = category ? [...AUDIT_CATEGORIES[category].prefixes] : [undefined];
  const limit = AUDIT_PAGE_SIZE;
  const query = useInfiniteQuery({
    queryKey: [...trpc.auditLogs.list.pathKey(), { pages: true, category: category ?? null, ...rest, limit }],
    queryFn: async ({ pageParam, signal }): Promise<Page> => {
      const start: Stream[] = pageParam ?? prefixes.map((action) => ({ action, cursor: undefined, buffer: [], done: false }));
      const streams = await Promise.all(
        start.map(async (s) => {
          if (s.done || s.buffer.length >= limit) return s;
          const res = await client.auditLogs.list.query({ ...rest, action: s.action, cursor: s.cursor, limit }, { signal });
          return { ...s, cursor: res.nextCursor ?? undefined, buffer: [...s.buffer, ...res.entries], done: res.nextCursor === null };
        }),
      );
      const merged = streams.flatMap((s) => s.buffer).sort(newestFirst);
      const shown = merged.slice(0, limit);
      const shownIds = new Set(shown.map((e) => e.id));
      const next = streams.map((s) => ({ ...s, buffer: s.buffer.filter((e) => !shownIds.has(e.id)) }));
      const more = next.some((s) => s.buffer.length > 0 || !s.done);
      return { entries: shown, next: more ? next : null };
    },
    initialPageParam: null as Stream[] | null,
    getNextPageParam: (last) => last.next ?? undefined,
    enabled: options.enabled,
    staleTime: 0,
  });
  const rows = query.data?.pages.flatMap((p) => p.entries) ?? [];
  return { ...query, rows };
}
