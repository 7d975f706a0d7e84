import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DbarchError } from '../errors/DbarchError.ts';

export interface LoadPluginsOptions {
  /**
   * Package names (resolved like `import` from `from`) or paths of plugin packages/files. Default: DBARCH_PLUGINS,
   * comma-separated.
   */
  readonly packages?: readonly string[];
  /** Where package names and relative paths are resolved from; default the working directory. */
  readonly from?: string;
}

/** A plugin module's export, not yet checked, and where it came from (for error messages). */
export interface PluginEntry {
  readonly plugin: unknown;
  readonly source: string;
}

/** Imports external plugins; registering (and checking) them is the registry's job. */
export async function loadPlugins(options: LoadPluginsOptions = {}): Promise<PluginEntry[]> {
  const from = options.from ?? process.cwd();
  const names = options.packages ?? (process.env.DBARCH_PLUGINS ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  const out: PluginEntry[] = [];
  for (const name of names) {
    const entry = resolveEntry(name, from);
    let module: { default?: unknown; plugin?: unknown };
    try {
      module = (await import(pathToFileURL(entry).href)) as { default?: unknown; plugin?: unknown };
    } catch (error) {
      throw new DbarchError('DBA_PLUGIN_LOAD', `plugin ${name} (${entry}) could not be imported: ${(error as Error).message}`, { cause: error });
    }
    out.push({ plugin: module.default ?? module.plugin, source: name });
  }
  return out;
}

function resolveEntry(name: string, from: string): string {
  const isPath = name.startsWith('.') || isAbsolute(name);
  if (isPath) {
    const path = resolve(from, name);
    if (!existsSync(path)) throw new DbarchError('DBA_PLUGIN_LOAD', `plugin path ${path} does not exist`);
    return statSync(path).isDirectory() ? packageEntry(path) : path;
  }
  // Node's own lookup directories (node_modules of `from` and its parents), without resolving `<name>/package.json`
  // through `exports`, which packages need not expose.
  const candidates = createRequire(join(from, 'noop.js')).resolve.paths(name) ?? [];
  const directory = candidates.map((dir) => join(dir, name)).find((dir) => existsSync(join(dir, 'package.json')));
  if (!directory) throw new DbarchError('DBA_PLUGIN_LOAD', `plugin package ${name} is not installed where ${from} can import it`);
  return packageEntry(directory);
}

function packageEntry(directory: string): string {
  const manifestPath = join(directory, 'package.json');
  if (!existsSync(manifestPath)) throw new DbarchError('DBA_PLUGIN_LOAD', `${directory} has no package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: unknown; main?: string };
  const exported = typeof manifest.exports === 'string' ? manifest.exports : (manifest.exports as { '.'?: unknown } | undefined)?.['.'];
  const target = typeof exported === 'string' ? exported : ((exported as { import?: string; default?: string } | undefined)?.import ?? (exported as { default?: string } | undefined)?.default);
  return join(directory, target ?? manifest.main ?? 'index.js');
}
