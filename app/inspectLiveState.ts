import { compileSpec } from '../compiler/compileSpec.ts';
import type { CapabilityLiveState } from '../plugins/LiveState.ts';
import type { PluginRegistry } from '../plugins/PluginRegistry.ts';

/** How long one capability may take to compare its sections with its service before it is reported unavailable. */
export const liveStateTimeoutMs = 5000;

/** The live-state comparison of every capability for a spec that planned (so it compiles). */
export async function inspectLiveState(paths: readonly string[], environment: string, registry: PluginRegistry, timeoutMs = liveStateTimeoutMs): Promise<CapabilityLiveState[]> {
  const compiled = await compileSpec(paths);
  if (compiled.spec === undefined) return [];
  return registry.inspect(compiled.spec, environment, timeoutMs);
}
