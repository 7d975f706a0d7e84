// A CDC stream in a process of its own, for the kill test: `node --import tsx test/cdc/runCdcStream.ts '<options json>' '<progress json>'`.
// Prints every heartbeat as `progress <json>` with a synchronous write, so the parent's last line is the last heartbeat.
import { writeSync } from 'node:fs';
import type { CdcOptions } from '../../activities/cdc/CdcOptions.ts';
import { cdcProgressFrom, noCdcProgress } from '../../activities/cdc/CdcProgress.ts';
import { streamCdc } from '../../activities/cdc/streamCdc.ts';
import { createLogger } from '../../runtime/logger.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as CdcOptions;
const resume = cdcProgressFrom(JSON.parse(process.argv[3] ?? 'null')) ?? noCdcProgress;
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
writeSync(1, 'cdc child started\n');
await streamCdc(options, { signal: controller.signal, log: createLogger({ level: 'warn' }), heartbeat: (progress) => writeSync(1, `progress ${JSON.stringify(progress)}\n`) }, resume);
