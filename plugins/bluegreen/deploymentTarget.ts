import { resolveConnectionUrl } from '../../activities/builtin/resolveConnectionUrl.ts';
import type { BlueGreenInput } from '../../activities/replication/BlueGreenInput.ts';

/** A database as procedures name it: a connection reference (`${ENV}`, resolved on the worker) and a database. */
export interface DatabaseRef {
  readonly connection?: string;
  readonly database?: string;
}

/** What every replication step of the plugin takes: blue, green and the deployment's name. */
export interface DeploymentStepInput {
  readonly blue: DatabaseRef;
  readonly green: DatabaseRef;
  /** Names the publication, slot and subscription (`dbarch_bg_<name>`). */
  readonly name: string;
}

const databaseRefSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { connection: { type: 'string', minLength: 1 }, database: { type: 'string', minLength: 1 } },
} as const;

/** JSON Schema properties of DeploymentStepInput, for each step's input schema. */
export const deploymentProperties = {
  blue: databaseRefSchema,
  green: databaseRefSchema,
  name: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' },
} as const;

/**
 * Resolves the references on the worker, so plans and history hold `${ENV}` names, never passwords. Without a
 * connection the worker's DATABASE_URL server is meant, with the named database.
 */
export function deploymentTarget(input: DeploymentStepInput, fallbackUrl: string): BlueGreenInput {
  return { blueUrl: resolveConnectionUrl(input.blue, fallbackUrl), greenUrl: resolveConnectionUrl(input.green, fallbackUrl), name: input.name };
}

/** `blue_db → green_db` for plan lines. */
export function describeTarget(input: DeploymentStepInput): string {
  const side = (ref: DatabaseRef) => ref.database ?? ref.connection ?? '?';
  return `${side(input.blue)} → ${side(input.green)} (${input.name})`;
}
