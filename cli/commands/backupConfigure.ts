import { configureArchivingOfSpec } from '../../app/configureArchivingOfSpec.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';

const help = `Usage: dbarch backup configure <spec> [--cluster <name>] [--command <dbarch>] [--format text|json]

Turns on WAL archiving through dbarch on the cluster backup_config names: writes dbarch-wal.json (destination,
compression, key reference) into its data directory and sets, by ALTER SYSTEM and a reload, archive_mode = on,
archive_command = '<dbarch> wal-push %p' and restore_command = '<dbarch> wal-fetch %f %p'. <dbarch> is this
node and checkout by absolute path unless --command names another (e.g. /usr/local/bin/dbarch). When
archive_mode was off the server must be restarted once; this says so. The server's environment must hold what
the references name (the key variable, AWS_* for s3://).`;

/** `dbarch backup configure`. */
export function run(argv: string[]): Promise<number> {
  const options = { cluster: { type: 'string' }, command: { type: 'string' } } as const;
  return runVerb({ name: 'backup configure', help, options, example: 'dbarch backup configure specs/platform.yaml' }, argv, async ({ values, format, specPaths }) => {
    const configured = await configureArchivingOfSpec(specPaths(), values.cluster, values.command);
    if (format === 'json') console.log(JSON.stringify(configured));
    else {
      console.log(`archive_command = '${configured.archiveCommand}'`);
      console.log(`restore_command = '${configured.restoreCommand}'`);
      console.log(`${configured.dataDirectory}/dbarch-wal.json written (${configured.configWrittenBy === 'filesystem' ? 'directly' : 'through the server'})`);
      console.log(configured.restartNeeded ? 'archive_mode = on takes effect after a restart of the server' : 'archiving is on');
    }
    return exitCodes.ok;
  });
}
