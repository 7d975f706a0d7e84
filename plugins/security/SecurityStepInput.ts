import type { SecurityModel } from '../../activities/security/SecurityModel.ts';

/** The input of security/diff and security/apply. */
export interface SecurityStepInput {
  /** security_config as the engine's model (filled from the spec by the capability). */
  readonly model: SecurityModel;
  /** `${ENV}` connection reference, resolved on the worker; default DATABASE_URL. Null: the environment names none. */
  readonly connection?: string | null;
  readonly database?: string;
}
