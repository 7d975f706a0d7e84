import type { ActivityDeps } from '../ActivityDeps.ts';
import { probeService } from './probeService.ts';
import { recordSmokeRun } from './recordSmokeRun.ts';

/** The activities of the smoke workflow: reach every service, record what was found. */
export function smokeActivities(deps: ActivityDeps) {
  return { probeService: probeService(deps), recordSmokeRun: recordSmokeRun(deps) };
}

export type SmokeActivities = ReturnType<typeof smokeActivities>;
