import { configureArchivingOfSpec } from '../../app/configureArchivingOfSpec.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { exitCodes } from '../exitCodes.ts';
import { outputFormat } from '../outputFormat.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';
import { reportError } from '../reportError.ts';

const help = `Usage: dbarch backup configure <spec> [--cluster <name>] [--command <dbarch>] [--format text|json]

Turns on WAL archiving through dbarch on the cluster backup_config names: writes dbarch-wal.json (destination,
compression, key reference) into its data directory and sets, by ALTER SYSTEM and a reload, archive_mode = on,
archive_command = '<dbarch> wal-push %p' and restore_command = '<dbarch> wal-fetch %f %p'. <dbarch> is this
node and checkout by absolute path unless --command names another (e.g. /usr/local/bin/dbarch). When
archive_mode was off the server must be restarted once; this says so. The server's environment must hold what
the references name (the key variable, AWS_* for s3://).`;

/** `dbarch backup configure`. */
export async function run(argv: string[]): Promise<number> {
  let format = outputFormat(argv);
  try {
    const { values, positionals } = parseCommandArgs('backup configure', argv, {
      cluster: { type: 'string' },
      command: { type: 'string' },
      format: { type: 'string', default: 'text' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      console.log(help);
      return exitCodes.ok;
    }
    format = values.format === 'json' ? 'json' : 'text';
    if (positionals.length === 0) throw new DbarchError('DBA_USAGE', 'name the spec file or directory', { hint: 'e.g. `dbarch backup configure specs/platform.yaml`' });
    const configured = await configureArchivingOfSpec(positionals, values.cluster, values.command);
    if (format === 'json') console.log(JSON.stringify(configured));
    else {
      console.log(`archive_command = '${configured.archiveCommand}'`);
      console.log(`restore_command = '${configured.restoreCommand}'`);
      console.log(`${configured.dataDirectory}/dbarch-wal.json written (${configured.configWrittenBy === 'filesystem' ? 'directly' : 'through the server'})`);
      console.log(configured.restartNeeded ? 'archive_mode = on takes effect after a restart of the server' : 'archiving is on');
    }
    return exitCodes.ok;
  } catch (error) {
    return reportError(error, format);
  }
}
