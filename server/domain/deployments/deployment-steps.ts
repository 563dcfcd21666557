import { DEPLOYMENT_STEPS, type StepState } from '../../../db/schema/index.ts';

export const STEP_LABELS: Record<(typeof DEPLOYMENT_STEPS)[number], string> = {
  validate_package: 'Validate package',
  upload_to_s3: 'Store package',
  generate_metadata: 'Generate metadata',
  notify_runtime: 'Deploy to runtime',
  finalize: 'Finalize',
};

export function initialSteps(): StepState[] {
  return DEPLOYMENT_STEPS.map((name) => ({ name, status: 'pending', startedAt: null, completedAt: null }));
}

/** Credits a deployment costs: 1 per started MiB, at least 1. */
export function deploymentCost(sizeBytes: number): number {
  return Math.max(1, Math.ceil(sizeBytes / (1024 * 1024)));
}
