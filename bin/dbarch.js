#!/usr/bin/env node
// The dbarch command. Sources are TypeScript run through tsx's loader: no build step to forget.
import { register } from 'tsx/esm/api';

register();
// archive_command and restore_command run wal-push / wal-fetch once per WAL segment: straight to their module,
// past the command table and the Temporal client that every other verb's error reporting loads.
const walVerb = { 'wal-push': '../cli/commands/walPush.ts', 'wal-fetch': '../cli/commands/walFetch.ts' }[process.argv[2] ?? ''];
if (walVerb) {
  const { run } = await import(walVerb);
  process.exitCode = await run(process.argv.slice(3));
} else {
  const { main } = await import('../cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
