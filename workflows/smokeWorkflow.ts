import { proxyActivities } from '@temporalio/workflow';
import type { SmokeActivities } from '../activities/smoke/smokeActivities.ts';
import type { ServiceProbe } from '../runtime/probes/ServiceProbe.ts';

/** Input of the smoke workflow, small enough to type into the Temporal UI's Start Workflow form: `{}`. */
export interface SmokeWorkflowInput {
  /** Keeps the recording transaction open this long (tests use it to kill a worker mid-activity). */
  readonly holdMs?: number;
}

export interface SmokeWorkflowResult {
  readonly probes: ServiceProbe[];
  readonly versions: Record<string, string>;
  /** False when a retried recording found the run already recorded. */
  readonly inserted: boolean;
}

const { probeService } = proxyActivities<SmokeActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumAttempts: 5 },
});

const { recordSmokeRun } = proxyActivities<SmokeActivities>({
  startToCloseTimeout: '5m',
  // A worker killed mid-activity is noticed within this, and the attempt is retried elsewhere.
  heartbeatTimeout: '3s',
  retry: { initialInterval: '500ms', maximumAttempts: 10 },
});

/** Reaches PostgreSQL, Redis and RabbitMQ through activities, then records their versions exactly once. */
export async function smokeWorkflow(input: SmokeWorkflowInput = {}): Promise<SmokeWorkflowResult> {
  const services = ['postgres', 'redis', 'rabbitmq'] as const;
  const probes = await Promise.all(services.map((service) => probeService(service)));
  const versions = Object.fromEntries(probes.map((probe) => [probe.service, probe.version ?? 'unknown']));
  const { inserted } = await recordSmokeRun({ versions, holdMs: input.holdMs });
  return { probes, versions, inserted };
}
