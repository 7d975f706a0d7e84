import { resolveConnectionUrl } from '../../activities/postgres/resolveConnectionUrl.ts';
import type { BlueGreenInput } from '../../activities/replication/BlueGreenInput.ts';
import type { BlueGreenStepInput } from './BlueGreenStepInput.ts';

export interface BlueGreenDeployment {
  /** URLs resolved on the worker (never in plans or history) and the replication objects' name. */
  readonly target: BlueGreenInput;
  /** The routing row the switch changes. */
  readonly route: { readonly service: string; readonly database: string };
}

/**
 * Where blue and green are and what is switched, from a step's input: blue is `current` on `connections.current`
 * (default the environment's connection, else DATABASE_URL's server), green is `standby` on `connections.standby`
 * (default blue's server); the routing key is (service or the environment's name, the environment's database or
 * `current`); the replication name is `deployment` or derived from `standby`.
 */
export function blueGreenDeployment(input: BlueGreenStepInput, fallbackUrl: string): BlueGreenDeployment {
  const blueRef = input.connections?.current ?? input.environment?.connection;
  const greenRef = input.connections?.standby ?? blueRef;
  return {
    target: {
      blueUrl: resolveConnectionUrl({ ...(blueRef ? { connection: blueRef } : {}), database: input.current }, fallbackUrl),
      greenUrl: resolveConnectionUrl({ ...(greenRef ? { connection: greenRef } : {}), database: input.standby }, fallbackUrl),
      name: input.deployment ?? deploymentName(input.standby),
    },
    route: routeOf(input),
  };
}

/** The routing key alone, without resolving anything: safe at plan time (plan lines), even on incomplete input. */
export function routeOf(input: Partial<BlueGreenStepInput>): { readonly service: string; readonly database: string } {
  return { service: input.service ?? input.environment?.name ?? 'default', database: input.environment?.database ?? input.current ?? '?' };
}

/** `Green-DB` → `green_db`: a valid publication/slot/subscription suffix (lower-case, at most 40 characters). */
export function deploymentName(standby: string): string {
  const name = standby.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 40);
  return /^[a-z]/.test(name) ? name : `d${name}`.slice(0, 40);
}

/** The seed's six stages, for plan lines: the section's own step name when it has one. */
export function stage(input: BlueGreenStepInput, number: number, fallback: string): string {
  const steps = input.deployment_steps;
  const named = typeof steps === 'string' ? undefined : steps?.[number - 1]?.name;
  return `${number}. ${named ?? fallback}`;
}
