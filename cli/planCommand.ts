import type { ParseArgsConfig } from 'node:util';
import { planOrThrow } from '../app/planOrThrow.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import type { Plan } from '../plan/Plan.ts';
import { loadPluginRegistry } from '../plugins/loadPluginRegistry.ts';
import type { PluginRegistry } from '../plugins/PluginRegistry.ts';
import { parseCommandArgs } from './parseCommandArgs.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface PlannedCommand {
  readonly plan: Plan;
  readonly format: 'text' | 'json';
  /** The verb's own boolean flags, by name. */
  readonly flags: Readonly<Record<string, boolean>>;
  /** The spec paths it was planned from, and the registry it was planned with. */
  readonly paths: readonly string[];
  readonly registry: PluginRegistry;
}

/**
 * The argument handling `dbarch plan` and `dbarch apply` share: `<spec> --env <name> [--procedure <p>]
 * [--format text|json] [--help]` plus the verb's own boolean flags, then the plan. Undefined when help was printed.
 * A spec that cannot be planned throws the planning error; reportError prints its issues.
 */
export async function planCommand(verb: string, argv: string[], help: string, booleanFlags: readonly string[] = []): Promise<PlannedCommand | undefined> {
  const options: Options = {
    env: { type: 'string' },
    procedure: { type: 'string' },
    format: { type: 'string', default: 'text' },
    help: { type: 'boolean', short: 'h' },
    ...Object.fromEntries(booleanFlags.map((flag) => [flag, { type: 'boolean' as const }])),
  };
  const { values, positionals } = parseCommandArgs(verb, argv, options);
  const given = values as Record<string, string | boolean | undefined>;
  if (given.help === true) {
    console.log(help);
    return undefined;
  }
  const format = given.format === 'json' ? 'json' : 'text';
  const text = (name: string) => (typeof given[name] === 'string' ? given[name] : undefined);
  const environment = text('env');
  const procedure = text('procedure');
  if (positionals.length === 0) throw new DbarchError('DBA_USAGE', 'name the spec file or directory', { hint: `e.g. \`dbarch ${verb} specs/platform.yaml --env dev\`` });
  if (!environment) throw new DbarchError('DBA_USAGE', '--env <name> is required', { hint: 'e.g. `--env dev`' });
  const registry = await loadPluginRegistry();
  const plan = await planOrThrow({ paths: positionals, environment, ...(procedure ? { procedure } : {}), registry });
  return { plan, format, flags: Object.fromEntries(booleanFlags.map((flag) => [flag, given[flag] === true])), paths: positionals, registry };
}
