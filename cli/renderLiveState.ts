import type { CapabilityLiveState } from '../plugins/LiveState.ts';

const marks = { ok: '=', missing: '+', drifted: '~', extra: '-', unverified: '?' } as const;

/** `dbarch plan`'s live section: per capability its summary, then every item that is not as the spec says. */
export function renderLiveState(states: readonly CapabilityLiveState[]): string {
  if (states.length === 0) return '';
  const lines = ['', 'Live state (read now, changed by nothing; apply acts on it):'];
  for (const reading of states) {
    if ('unavailable' in reading) {
      lines.push(`  ${reading.capability}: not checked: ${reading.unavailable}`);
      continue;
    }
    lines.push(`  ${reading.capability}: ${reading.state.summary}`);
    for (const item of reading.state.items) {
      if (item.state === 'ok' || item.state === 'unverified') continue;
      lines.push(`    ${marks[item.state]} ${item.kind} ${item.name}: ${item.state}${item.detail ? ` (${item.detail})` : ''}`);
    }
  }
  return lines.join('\n');
}
