// Confirmations for starting deployments of packages already uploaded (roll back, redeploy) and for
// cancelling one. Each opens the deployment view of the new deployment on success.
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { toast } from 'sonner';
import { deploymentCost } from '../lib/deployments.ts';
import { errorMessage } from '../lib/errors.ts';
import { formatNumber } from '../lib/format.ts';
import { queryClient, useTRPC } from '../lib/trpc.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';

function useRefreshAfterDeploymentChange() {
  const trpc = useTRPC();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.apps.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.org.current.queryKey() }),
    ]);
}

export type RollbackTarget = { appId: string; packageId: string; version: string; size: number };

export function RollbackDialog({ target, onClose }: { target: RollbackTarget | null; onClose: () => void }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const refresh = useRefreshAfterDeploymentChange();
  const rollback = useMutation(
    trpc.deployments.rollback.mutationOptions({
      onSuccess: async (deployment) => {
        toast.success(`Rolling back to v${deployment.version}`);
        onClose();
        void refresh();
        await navigate({ to: '/deployments/$deploymentId', params: { deploymentId: deployment.id } });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  const cost = target ? deploymentCost(target.size) : 0;
  return (
    <ConfirmDialog
      open={target !== null}
      onOpenChange={(open) => (open ? undefined : onClose())}
      title={`Roll back to v${target?.version ?? ''}?`}
      description={
        <>
          <p>A new deployment of this version starts now, with the environment it last ran with. When it completes, it becomes the live version.</p>
          <p>
            It costs <strong className="text-foreground">{formatNumber(cost)}</strong> {cost === 1 ? 'credit' : 'credits'}, refunded if it fails.
          </p>
        </>
      }
      destructive={false}
      confirmLabel="Roll back"
      pending={rollback.isPending}
      onConfirm={() => target && rollback.mutate({ appId: target.appId, packageId: target.packageId })}
    />
  );
}

export function RedeployDialog({ deployment, onClose }: { deployment: { id: string; version: string; cost: number } | null; onClose: () => void }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const refresh = useRefreshAfterDeploymentChange();
  const redeploy = useMutation(
    trpc.deployments.redeploy.mutationOptions({
      onSuccess: async (created) => {
        toast.success(`Deploying v${created.version} again`);
        onClose();
        void refresh();
        await navigate({ to: '/deployments/$deploymentId', params: { deploymentId: created.id } });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  const cost = deployment?.cost ?? 0;
  return (
    <ConfirmDialog
      open={deployment !== null}
      onOpenChange={(open) => (open ? undefined : onClose())}
      title={`Deploy v${deployment?.version ?? ''} again?`}
      description={
        <p>
          A new deployment of the same package starts now. It costs <strong className="text-foreground">{formatNumber(cost)}</strong>{' '}
          {cost === 1 ? 'credit' : 'credits'}, refunded if it fails.
        </p>
      }
      destructive={false}
      confirmLabel="Deploy again"
      pending={redeploy.isPending}
      onConfirm={() => deployment && redeploy.mutate({ id: deployment.id })}
    />
  );
}

export function CancelDeploymentDialog({ deployment, onClose }: { deployment: { id: string; version: string } | null; onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefreshAfterDeploymentChange();
  const cancel = useMutation(
    trpc.deployments.cancel.mutationOptions({
      onSuccess: async () => {
        toast.success('Deployment cancelled');
        onClose();
        await refresh();
      },
      onError: (error) => {
        toast.error(errorMessage(error));
        onClose();
        void refresh();
      },
    }),
  );
  return (
    <ConfirmDialog
      open={deployment !== null}
      onOpenChange={(open) => (open ? undefined : onClose())}
      title="Cancel this deployment?"
      description={<p>The deployment of v{deployment?.version ?? ''} stops and its reserved credits are refunded.</p>}
      confirmLabel="Cancel deployment"
      cancelLabel="Keep deploying"
      pending={cancel.isPending}
      onConfirm={() => deployment && cancel.mutate({ id: deployment.id })}
    />
  );
}
