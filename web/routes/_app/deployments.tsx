import { createFileRoute } from '@tanstack/react-router';
import { Rocket } from 'lucide-react';
import { EmptyState } from '../../components/empty-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';

export const Route = createFileRoute('/_app/deployments')({
  head: () => ({ meta: [{ title: 'Deployments · Pixell Agent Cloud' }] }),
  component: DeploymentsPage,
});

function DeploymentsPage() {
  return (
    <>
      <PageHeader title="Deployments" description="Every deployment of every agent app in this organization." />
      <EmptyState
        icon={Rocket}
        title="No deployments yet"
        description="When you deploy a package, its progress, live logs, duration and outcome will appear here, with cancel, redeploy and rollback at hand."
      />
    </>
  );
}
