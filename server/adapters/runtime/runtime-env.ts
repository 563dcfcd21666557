// The effective environment of an agent, with the documented precedence (apkg-env-secrets.md):
// deployment request env > secrets provider > package .env > base runtime environment. The request
// env holds the deploy-time `environment` and the app's secrets; `deploymentSources` labels its keys
// (`deployment` or `secret`) so that the log tells them apart.
// Only key NAMES and their sources are ever logged or returned to callers; values stay here.
import type { RuntimeDeployResult } from './runtime-adapter.ts';

export type EnvSource = RuntimeDeployResult['envSources'][string];

export type EnvLayers = {
  deployment?: Record<string, string>;
  /** Labels of the deployment layer's keys (default `deployment`). */
  deploymentSources?: Record<string, EnvSource>;
  provider?: Record<string, string>;
  package?: Record<string, string>;
  base?: Record<string, string>;
};

export type EffectiveEnv = {
  values: Record<string, string>;
  sources: Record<string, EnvSource>;
};

/** Lowest layer first, so that each later layer overrides the earlier ones. */
const LAYERS_LOW_TO_HIGH = ['base', 'package', 'provider', 'deployment'] as const;

export function buildEffectiveEnv(layers: EnvLayers): EffectiveEnv {
  const values: Record<string, string> = Object.create(null);
  const sources: Record<string, EnvSource> = Object.create(null);
  for (const source of LAYERS_LOW_TO_HIGH) {
    const layer = layers[source];
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (typeof value !== 'string') continue;
      values[key] = value;
      sources[key] = source === 'deployment' ? deploymentLabel(layers.deploymentSources, key) : source;
    }
  }
  return { values: sortKeys(values), sources: sortKeys(sources) };
}

function deploymentLabel(labels: Record<string, EnvSource> | undefined, key: string): EnvSource {
  return labels && Object.hasOwn(labels, key) && labels[key] === 'secret' ? 'secret' : 'deployment';
}

/** `Environment: A (deployment), B (package)` — names and sources only, never values. */
export function describeEnvSources(sources: Record<string, EnvSource>): string {
  const keys = Object.keys(sources).sort();
  if (keys.length === 0) return 'Environment: no variables';
  return `Environment (${keys.length} variables): ${keys.map((k) => `${k} (${sources[k]})`).join(', ')}`;
}

/**
 * Replaces every occurrence of the given secret values in `text` (e.g. an error body echoed by a
 * remote runtime) with `[redacted]`. Very short values are left alone: they would redact noise.
 */
export function redactValues(text: string, secrets: Iterable<string | undefined>): string {
  const list = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= 4))].sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of list) out = out.split(secret).join('[redacted]');
  return out;
}

function sortKeys<T>(obj: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = Object.create(null);
  for (const key of Object.keys(obj).sort()) out[key] = obj[key];
  return out;
}
