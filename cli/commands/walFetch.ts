import { fetchWalFile } from '../../activities/backup/wal/fetchWalFile.ts';
import { loadWalArchiveConfig } from '../../activities/backup/wal/loadWalArchiveConfig.ts';
import { openWalArchive } from '../../activities/backup/wal/openWalArchive.ts';
import { isDbarchError } from '../../errors/DbarchError.ts';
import { exitCodes } from '../exitCodes.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';
import { reportWalCommandError } from '../reportWalCommandError.ts';

const help = `Usage: dbarch wal-fetch <name> <path> [--config <file>] [--verbose]

restore_command: restore_command = 'dbarch wal-fetch %f %p'. Fetches the archived WAL file, checks every
encrypted chunk's tag, decompresses it, checks its size and SHA-256, and only then writes it to <path>.
Configuration as for wal-push. Exit status: 0 restored; 1 not in the archive (DBA_WAL_SEGMENT_MISSING, which is
also how PostgreSQL learns it reached the end of the archive); 126 corrupt, wrong key or archive unreachable, so
that PostgreSQL stops recovery rather than treat the file as the end of WAL and promote early; 2 usage error.`;

/** Above 125 PostgreSQL treats a restore_command failure as fatal instead of "no such file". */
const abortRecovery = 126;

/** `dbarch wal-fetch %f %p`: one WAL file out of the archive. */
export async function run(argv: string[]): Promise<number> {
  // The AWS SDK's Node-version notice would land in the server log once per segment.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    const { values, positionals } = parseCommandArgs('wal-fetch', argv, {
      config: { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      console.log(help);
      return exitCodes.ok;
    }
    const [name, path, ...extra] = positionals;
    if (name === undefined || path === undefined || extra.length > 0) {
      return reportWalCommandError(new Error('wal-fetch takes a file name and a path (%f %p)'), exitCodes.usage);
    }
    const config = await loadWalArchiveConfig(values.config === undefined ? {} : { configPath: values.config });
    const result = await fetchWalFile(await openWalArchive(config), name, path);
    if (values.verbose === true) console.error(`dbarch wal-fetch: ${result.name} restored (${result.size} bytes)`);
    return exitCodes.ok;
  } catch (error) {
    if (isDbarchError(error) && error.code === 'DBA_WAL_SEGMENT_MISSING') {
      // PostgreSQL asks for history files and the segment past the end as a matter of course: one line, no hint.
      console.error(`${error.code}: ${error.message}`);
      return exitCodes.failed;
    }
    return reportWalCommandError(error, abortRecovery);
  }
}
