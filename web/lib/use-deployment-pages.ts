// Deployments, newest first, one page of PAGE_SIZE at a time ("Load more" passes the createdAt of
// the last row as `before`). Shares the tRPC key prefix of deployments.list so that invalidating
// `trpc.deployments.pathKey()` refreshes these lists too.
import { useInfiniteQuery } from '@tanstack/react-query';
import { isActive, type DeploymentStatus } from './deployments.ts';
import { useTRPC, useTRPCClient } from './trpc.ts';

export const PAGE_SIZE = 25;

export function useDeploymentPages(filter: { appId?: string; status?: DeploymentStatus; pageSize?: number }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const limit = filter.pageSize ?? PAGE_SIZE;
  const query = useInfiniteQuery({
    queryKey: [...trpc.deployments.list.pathKey(), { pages: true, appId: filter.appId ?? null, status: filter.status ?? null, limit }],
    queryFn: ({ pageParam, signal }) =>
      client.deployments.list.query({ appId: filter.appId, status: filter.status, limit, before: pageParam ?? undefined }, { signal }),
    initialPageParam: null as Date | null,
    getNextPageParam: (lastPage) => (lastPage.length < limit ? undefined : new Date(lastPage[lastPage.length - 1].createdAt)),
    // Keep running deployments moving without a reload.
    refetchInterval: (q) => (q.state.data?.pages.some((page) => page.some((d) => isActive(d.status))) ? 4000 : false),
  });
  const rows = query.data?.pages.flat() ?? [];
  return { ...query, rows };
}
