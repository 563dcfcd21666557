// The environment a deployment hands to the runtime (`env` of the runtime request), with a source per
// key: the deploy-time `environment` of the upload ("deployment") over the app's secrets ("secret").
// The runtime then layers these over the secrets provider, the package's .env and its base env:
//
//     deployment > secret > provider (PIXELL_SECRETS_PROVIDER) > package .env > base
//
// The first run of a deployment records what it used as a snapshot in deployments.env_encrypted
// (encrypted, `{"$pixell_env":1, deploymentId, values, sources}`). A resumed run reuses its own
// snapshot; a rollback copies the snapshot of the earlier deployment and therefore runs with exactly
// the environment that deployment ran with (secrets changed or deleted since included); a redeploy
// keeps the earlier deploy-time environment but takes the app's secrets as they are now.
// Before the first run, env_encrypted holds the upload's `environment` object as sent.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { deployments } from '../../../db/schema/index.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import { readAppSecretValues } from './app-secret-rows.ts';

export type DeploymentEnvSource = 'deployment' | 'secret';

export type DeploymentEnv = {
  env: Record<string, string>;
  envSources: Record<string, DeploymentEnvSource>;
};

/** Marker of a snapshot (`$` cannot start an environment variable name, so no upload collides). */
const SNAPSHOT_MARKER = '$pixell_env';

type EnvSnapshot = { [SNAPSHOT_MARKER]: 1; deploymentId: string; values: Record<string, string>; sources: Record<string, DeploymentEnvSource> };

type StoredEnv = { kind: 'snapshot'; snapshot: EnvSnapshot } | { kind: 'request'; values: Record<string, string> };

export function readStoredEnv(box: SecretBox, envEncrypted: string | null): StoredEnv {
  if (!envEncrypted) return { kind: 'request', values: {} };
  const parsed = JSON.parse(box.decrypt(envEncrypted)) as Record<string, unknown>;
  if (parsed[SNAPSHOT_MARKER] === 1) return { kind: 'snapshot', snapshot: parsed as unknown as EnvSnapshot };
  return { kind: 'request', values: onlyStrings(parsed) };
}

export async function resolveDeploymentEnv(
  services: { db: Db; secrets: SecretBox },
  deployment: { id: string; appId: string; kind: 'deploy' | 'rollback' | 'redeploy'; envEncrypted: string | null },
): Promise<DeploymentEnv> {
  const stored = readStoredEnv(services.secrets, deployment.envEncrypted);
  if (stored.kind === 'snapshot' && (stored.snapshot.deploymentId === deployment.id || deployment.kind === 'rollback')) {
    return fromSnapshot(stored.snapshot);
  }
  const requestEnv =
    stored.kind === 'request'
      ? stored.values
      : Object.fromEntries(Object.entries(stored.snapshot.values).filter(([key]) => stored.snapshot.sources[key] === 'deployment'));
  const secrets = await readAppSecretValues(services.db, services.secrets, deployment.appId);

  const env: Record<string, string> = Object.create(null);
  const envSources: Record<string, DeploymentEnvSource> = Object.create(null);
  for (const [layer, source] of [
    [secrets, 'secret'],
    [requestEnv, 'deployment'],
  ] as const) {
    for (const [key, value] of Object.entries(layer)) {
      env[key] = value;
      envSources[key] = source;
    }
  }
  const snapshot: EnvSnapshot = { [SNAPSHOT_MARKER]: 1, deploymentId: deployment.id, values: sorted(env), sources: sorted(envSources) };
  await services.db
    .update(deployments)
    .set({ envEncrypted: services.secrets.encrypt(JSON.stringify(snapshot)) })
    .where(and(eq(deployments.id, deployment.id), eq(deployments.status, 'processing')));
  return fromSnapshot(snapshot);
}

function fromSnapshot(snapshot: EnvSnapshot): DeploymentEnv {
  const env: Record<string, string> = Object.create(null);
  const envSources: Record<string, DeploymentEnvSource> = Object.create(null);
  for (const [key, value] of Object.entries(snapshot.values ?? {})) {
    if (typeof value !== 'string') continue;
    env[key] = value;
    envSources[key] = snapshot.sources?.[key] === 'secret' ? 'secret' : 'deployment';
  }
  return { env, envSources };
}

function onlyStrings(obj: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(obj)) if (typeof value === 'string') out[key] = value;
  return out;
}

function sorted<T>(obj: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = Object.create(null);
  for (const key of Object.keys(obj).sort()) out[key] = obj[key];
  return out;
}
