import { configureWalArchiving, type ArchivingConfigured } from '../activities/backup/wal/configureWalArchiving.ts';
import { walCommands } from '../activities/backup/wal/walCommands.ts';
import { resolveConnectionUrl } from '../activities/postgres/resolveConnectionUrl.ts';
import { serviceUrls } from '../runtime/serviceUrls.ts';
import { pitrSettingsOfSpec } from './pitrSettingsOfSpec.ts';

/**
 * `dbarch backup configure`: the spec's wal_archiving on its cluster's primary. The destination stays a reference
 * in dbarch-wal.json (wal-push resolves it in the server's environment), so the file holds no secret.
 */
export async function configureArchivingOfSpec(paths: readonly string[], cluster: string | undefined, command?: string): Promise<ArchivingConfigured> {
  const settings = await pitrSettingsOfSpec(paths, cluster);
  const url = resolveConnectionUrl(settings.connection === undefined ? {} : { connection: settings.connection }, serviceUrls().postgres);
  return configureWalArchiving(url, settings.wal, walCommands(command));
}
