import { DbarchError } from '../errors/DbarchError.ts';
import type { Plan } from '../plan/Plan.ts';
import { planSpec } from '../plan/planSpec.ts';
import { loadPluginRegistry } from '../plugins/loadPluginRegistry.ts';
import { printSpecIssues } from './printSpecIssues.ts';

/**
 * Plans `<spec> --env <name> [--procedure <p>]`. Spec issues are printed by the compiler-style printer, plan issues
 * as `path CODE: message`; then a coded error is thrown (its details hold every issue, for JSON output).
 */
export async function planFromArgs(paths: string[], environment: string | undefined, procedure: string | undefined, format: 'text' | 'json'): Promise<Plan> {
  if (paths.length === 0) throw new DbarchError('DBA_USAGE', 'name the spec file or directory', { hint: 'e.g. `dbarch plan specs/platform.yaml --env dev`' });
  if (!environment) throw new DbarchError('DBA_USAGE', '--env <name> is required', { hint: 'e.g. `--env dev`' });
  const result = await planSpec({ paths, environment, ...(procedure ? { procedure } : {}), registry: await loadPluginRegistry() });
  if (result.ok) return result.plan;
  if (format === 'text') {
    printSpecIssues({ errors: result.specIssues, warnings: [] }, process.stderr);
    for (const issue of result.planIssues) console.error(`${issue.path} ${issue.code}: ${issue.message}${issue.hint ? `\n  hint: ${issue.hint}` : ''}`);
  }
  const issues = [...result.specIssues, ...result.planIssues];
  const first = issues[0];
  throw new DbarchError(first?.code ?? 'DBA_PLAN_INVALID', `${paths.join(', ')} cannot be planned for ${environment} (${issues.length} issue${issues.length === 1 ? '' : 's'})`, {
    details: { issues },
  });
}
