import { createFileRoute } from '@tanstack/react-router';
import { Bot } from 'lucide-react';
import { EmptyState } from '../../components/empty-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';

export const Route = createFileRoute('/_app/apps')({
  head: () => ({ meta: [{ title: 'Agent apps · Pixell Agent Cloud' }] }),
  component: AppsPage,
});

function AppsPage() {
  return (
    <>
      <PageHeader title="Agent apps" description="Each agent app groups the packages you upload and the deployments made from them." />
      <EmptyState
        icon={Bot}
        title="No agent apps yet"
        description={
          <>
            Your agent apps will be listed here, each with its latest package version and deployment status. Creating apps and
            uploading <span className="font-mono text-foreground">.apkg</span> packages is coming to the dashboard soon.
          </>
        }
      />
    </>
  );
}
