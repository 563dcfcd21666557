// One LISTEN per process on `deployment_events`; notifications (deployment ids only) are fanned out
// to the subscribers of that deployment. Rows stay the truth: subscribers re-read events by seq.
import type { DatabaseHandle } from '../../db/client.ts';
import { DEPLOYMENT_EVENTS_CHANNEL } from '../domain/deployments/deployment-events.ts';

export type DeploymentFeed = {
  /** Calls `onChange` whenever an event of `deploymentId` is committed; returns the unsubscribe. */
  subscribe(deploymentId: string, onChange: () => void): Promise<() => void>;
  close(): Promise<void>;
};

export function createDeploymentFeed(database: Pick<DatabaseHandle, 'listen'>): DeploymentFeed {
  const subscribers = new Map<string, Set<() => void>>();
  let listening: Promise<() => Promise<void>> | undefined;
  const ensureListening = () => {
    listening ??= database.listen(DEPLOYMENT_EVENTS_CHANNEL, (deploymentId) => {
      for (const fn of subscribers.get(deploymentId) ?? []) fn();
    });
    return listening;
  };
  return {
    async subscribe(deploymentId, onChange) {
      await ensureListening();
      let set = subscribers.get(deploymentId);
      if (!set) subscribers.set(deploymentId, (set = new Set()));
      set.add(onChange);
      return () => {
        set.delete(onChange);
        if (set.size === 0) subscribers.delete(deploymentId);
      };
    },
    async close() {
      if (listening) await (await listening)().catch(() => undefined);
      subscribers.clear();
    },
  };
}
