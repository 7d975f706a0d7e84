/** How long a probe waits for a service before calling it unreachable. */
export const probeTimeoutMs = 3000;
