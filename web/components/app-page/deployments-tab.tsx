import { Link } from '@tanstack/react-router';
import { Rocket } from 'lucide-react';
import { useNow } from '../../lib/use-now.ts';
import { useDeploymentPages } from '../../lib/use-deployment-pages.ts';
import { DeploymentsTable } from '../deployments-table.tsx';
import { EmptyState } from '../empty-state.tsx';
import { ErrorState } from '../error-state.tsx';
import { ListSkeleton } from '../list-skeleton.tsx';
import { Button } from '../ui/button.tsx';
import { Card } from '../ui/card.tsx';

export function DeploymentsTab({ appId }: { appId: string }) {
  const pages = useDeploymentPages({ appId });
  const running = pages.rows.some((d) => d.status === 'processing');
  const now = useNow(running ? 1000 : null);

  if (pages.isPending) {
    return <ListSkeleton label="Loading deployments" rows={4} cells={['h-4 w-20', 'h-5 w-20 rounded-full', 'h-4 w-28', 'ml-auto h-4 w-16']} />;
  }
  if (pages.isError) {
    return <ErrorState title="Could not load deployments" error={pages.error} onRetry={() => void pages.refetch()} retrying={pages.isFetching} />;
  }
  if (pages.rows.length === 0) {
    return (
      <EmptyState icon={Rocket} title="No deployments yet" description="Each deployment of this app will be listed here with its status, duration and live log.">
        <Button asChild>
          <Link to="/apps/$appId/deploy" params={{ appId }}>
            Deploy a package
          </Link>
        </Button>
      </EmptyState>
    );
  }
  return (
    <>
      <Card className="overflow-hidden">
        <DeploymentsTable rows={pages.rows} now={now} />
      </Card>
      {pages.hasNextPage ? (
        <div className="mt-4 flex justify-center">
          <Button variant="outline" onClick={() => void pages.fetchNextPage()} pending={pages.isFetchingNextPage}>
            Load more
          </Button>
        </div>
      ) : null}
    </>
  );
}
