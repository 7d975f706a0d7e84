import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of the blue-green procedure's own steps (plugins/bluegreen); replication and routing have theirs. */
export const blueGreenCodes = defineCodes({
  DBA_BLUEGREEN_UNHEALTHY: {
    summary: 'Green failed its health checks during the watch after the switch (or the routing left green), so traffic is switched back to blue.',
    hint: 'The details name the last problem; fix green, then run the deployment again. Tune the watch with blue_green.monitor (health_query, max_failures, duration).',
    retryable: false,
  },
});
