import { DbarchError } from '../errors/DbarchError.ts';
import type { Plan } from '../plan/Plan.ts';
import { planSpec } from '../plan/planSpec.ts';
import { loadPluginRegistry } from '../plugins/loadPluginRegistry.ts';

/** Plans `<spec> --env <name> [--procedure <p>]`; every spec and plan issue is printed, then a coded error thrown. */
export async function planFromArgs(paths: string[], environment: string | undefined, procedure: string | undefined, format: 'text' | 'json'): Promise<Plan> {
  if (paths.length === 0) throw new DbarchError('DBA_USAGE', 'name the spec file or directory', { hint: 'e.g. `dbarch plan specs/platform.yaml --env dev`' });
  if (!environment) throw new DbarchError('DBA_USAGE', '--env <name> is required', { hint: 'e.g. `--env dev`' });
  const result = await planSpec({ paths, environment, ...(procedure ? { procedure } : {}), registry: await loadPluginRegistry() });
  if (result.ok) return result.plan;
  const issues = [...result.specIssues.map((i) => ({ ...i, where: `${i.file}:${i.line}:${i.column}` })), ...result.planIssues.map((i) => ({ ...i, where: i.path }))];
  if (format === 'text') for (const issue of issues) console.error(`${issue.where} ${issue.code}: ${issue.message}${issue.hint ? `\n  hint: ${issue.hint}` : ''}`);
  const first = issues[0];
  throw new DbarchError(first?.code ?? 'DBA_PLAN_INVALID', `${paths.join(', ')} cannot be planned for ${environment} (${issues.length} issue${issues.length === 1 ? '' : 's'})`, {
    details: { issues },
  });
}
