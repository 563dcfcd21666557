import { createFileRoute } from '@tanstack/react-router';
import { ChartNoAxesColumn } from 'lucide-react';
import { EmptyState } from '../../components/empty-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';

export const Route = createFileRoute('/_app/usage')({
  head: () => ({ meta: [{ title: 'Usage · Pixell Agent Cloud' }] }),
  component: UsagePage,
});

function UsagePage() {
  return (
    <>
      <PageHeader title="Usage" description="How your agents use the platform, and what it costs in credits." />
      <EmptyState
        icon={ChartNoAxesColumn}
        title="No usage recorded yet"
        description="Once your agents run, you will find usage metrics, charts over time, recent activity and CSV exports here."
      />
    </>
  );
}
