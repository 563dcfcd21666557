import type { deployments } from '../../../db/schema/index.ts';

type DeploymentRow = typeof deployments.$inferSelect;

/** A deployment as the dashboard sees it: without the encrypted environment and queue internals. */
export function deploymentView(d: DeploymentRow) {
  const { envEncrypted, leaseOwner: _leaseOwner, leaseExpiresAt: _leaseExpiresAt, reservationTransactionId: _reservation, ...rest } = d;
  return { ...rest, hasEnvironment: envEncrypted !== null };
}
