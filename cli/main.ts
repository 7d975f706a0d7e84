import { DbarchError } from '../errors/DbarchError.ts';
import { commands } from './commands.ts';
import { exitCodes } from './exitCodes.ts';
import { outputFormat } from './outputFormat.ts';
import { reportError } from './reportError.ts';

/** `dbarch <verb> [args]`: dispatches to the verb's module and turns errors into codes and exit statuses. */
export async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === 'help' || verb === '--help' || verb === '-h') {
    console.log(usage());
    return verb === undefined ? exitCodes.usage : exitCodes.ok;
  }
  if (verb === '--version' || verb === 'version') {
    const { default: pkg } = await import('../package.json', { with: { type: 'json' } });
    console.log(pkg.version);
    return exitCodes.ok;
  }
  const entry = commands[verb];
  if (!entry) {
    return reportError(new DbarchError('DBA_USAGE', `Unknown command "${verb}".`, { hint: `Commands: ${Object.keys(commands).join(', ')}. Run \`dbarch help\`.` }));
  }
  try {
    const command = await entry.load();
    return await command.run(rest);
  } catch (error) {
    return reportError(error, outputFormat(rest));
  }
}

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return ['Usage: dbarch <command> [options]', '', 'Commands:', ...lines, '', 'Run `dbarch <command> --help` for its options.'].join('\n');
}
