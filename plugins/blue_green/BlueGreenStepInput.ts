import type { BlueGreen } from '../../compiler/sections/blue_green/schema.ts';

/** The environment the deployment runs for, passed by the procedure from `{{ env.* }}`. */
export interface DeploymentEnvironment {
  readonly name?: string;
  /** The environment's database: the routing key of the switch (default `current`). */
  readonly database?: string;
  /** The environment's connection reference (or its cluster's primary): where blue and green live by default. */
  readonly connection?: string;
}

/**
 * What every blue_green/* step gets: the spec's `blue_green:` section (merged in by the planner, since a plugin's
 * section is the one named like it), the environment from the procedure's `with:`, and the step's own keys.
 */
export type BlueGreenStepInput = Omit<BlueGreen, 'deployment_steps'> & {
  /** Prose or structured; read only to name the stages in `dbarch plan`. */
  readonly deployment_steps?: string | readonly { readonly name: string }[];
  readonly environment?: DeploymentEnvironment;
};

const text = { type: 'string', minLength: 1 };

/**
 * JSON Schema of a step's input: the section's keys (already checked by the compiler, so loosely typed here), the
 * environment, and the step's own `extra` keys. Closed, so a typo in a procedure's `with:` is a plan issue.
 */
export function blueGreenStepSchema(extra: Readonly<Record<string, object>> = {}): object {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['current', 'standby'],
    properties: {
      current: text,
      standby: text,
      cluster: text,
      connections: { type: 'object', additionalProperties: false, properties: { current: text, standby: text } },
      service: text,
      tables: { type: 'array', items: text },
      deployment: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' },
      switch_method: text,
      monitor: { type: 'object' },
      rollback_window: { type: ['string', 'number'] },
      deployment_steps: {},
      environment: { type: 'object', additionalProperties: false, properties: { name: text, database: text, connection: text } },
      ...extra,
    },
  };
}
