import { loadWalArchiveConfig } from '../../activities/backup/wal/loadWalArchiveConfig.ts';
import { openWalArchive } from '../../activities/backup/wal/openWalArchive.ts';
import { pushWalFile } from '../../activities/backup/wal/pushWalFile.ts';
import { exitCodes } from '../exitCodes.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';
import { reportWalCommandError } from '../reportWalCommandError.ts';

const help = `Usage: dbarch wal-push <path> [--config <file>] [--verbose]

archive_command: archive_command = 'dbarch wal-push %p' (dbarch backup configure sets it). Compresses the WAL
file (wal_archiving.compression), encrypts it (base_backups.encryption_key), checksums it and stores it in
wal_archiving.destination under its name, only if the name is free. The same file twice is a no-op; a different
file under an archived name is DBA_WAL_SEGMENT_CONFLICT and the archived copy is kept.
Configuration: --config, else $DBARCH_WAL_CONFIG, else dbarch-wal.json in the working directory (the data
directory), else DBARCH_WAL_DESTINATION / DBARCH_WAL_COMPRESSION / DBARCH_WAL_KEY. S3 credentials: the AWS
variables. Exit status: 0 archived (or already), 1 not archived (PostgreSQL retries), 2 usage error.`;

/** `dbarch wal-push %p`: one WAL file into the archive. Run by PostgreSQL once per segment, so it loads little. */
export async function run(argv: string[]): Promise<number> {
  // The AWS SDK's Node-version notice would land in the server log once per segment.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    const { values, positionals } = parseCommandArgs('wal-push', argv, {
      config: { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      console.log(help);
      return exitCodes.ok;
    }
    const [path, ...extra] = positionals;
    if (path === undefined || extra.length > 0) {
      return reportWalCommandError(new Error('wal-push takes exactly one path (%p)'), exitCodes.usage);
    }
    const config = await loadWalArchiveConfig(values.config === undefined ? {} : { configPath: values.config });
    const result = await pushWalFile(await openWalArchive(config), path);
    if (values.verbose === true || result.outcome === 'already-archived') {
      console.error(`dbarch wal-push: ${result.name} ${result.outcome} (${result.size} bytes, ${result.storedBytes} stored)`);
    }
    return exitCodes.ok;
  } catch (error) {
    return reportWalCommandError(error, exitCodes.failed);
  }
}
