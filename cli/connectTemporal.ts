import { startTemporal, type TemporalHandle } from '../runtime/startTemporal.ts';
import { stateDir } from '../runtime/stateDir.ts';
import { temporalDefaults, temporalSettingsFromEnv } from '../runtime/temporalSettings.ts';

/**
 * The Temporal the non-dev verbs talk to: TEMPORAL_ADDRESS, else the embedded server `dbarch dev` runs on this
 * machine. Never starts a server: a verb that cannot connect reports DBA_TEMPORAL_UNREACHABLE.
 */
export async function connectTemporal(env: NodeJS.ProcessEnv = process.env): Promise<TemporalHandle> {
  const embedded = !env.TEMPORAL_ADDRESS;
  const settings = temporalSettingsFromEnv(
    {
      ...env,
      TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS || `${temporalDefaults.ip}:${env.DBARCH_TEMPORAL_PORT || temporalDefaults.port}`,
      // The embedded server's UI, so links point where `dbarch dev` serves it.
      TEMPORAL_UI_URL: env.TEMPORAL_UI_URL || (embedded ? `http://${temporalDefaults.ip}:${env.DBARCH_TEMPORAL_UI_PORT || temporalDefaults.uiPort}` : ''),
    },
    stateDir(env),
  );
  return startTemporal(settings, { env });
}
