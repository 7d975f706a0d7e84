import os from 'node:os';

/** Whether `host` is this machine: loopback, or an address of one of its interfaces. */
export function isLocalHost(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(lower) || lower === '::1') return true;
  return Object.values(os.networkInterfaces()).some((addresses) => (addresses ?? []).some((a) => a.address === lower));
}
