import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import { DbarchError } from '../../../errors/DbarchError.ts';

/**
 * A filter program (zstd, lz4) as a stream: bytes written go to its stdin, its stdout is read. The readable side
 * ends only after the program exited 0, so a consumer never takes a truncated or failed output for a complete
 * one; a non-zero exit or a missing program is DBA_BACKUP_COMPRESSION_FAILED.
 */
export function childProcessDuplex(command: string, args: readonly string[]): Duplex {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4096);
  });
  const exited = new Promise<DbarchError | undefined>((resolve) => {
    child.once('error', (cause: NodeJS.ErrnoException) =>
      resolve(new DbarchError('DBA_BACKUP_COMPRESSION_FAILED', `cannot run ${command}: ${cause.message}`, { cause })),
    );
    child.once('close', (code, signal) =>
      resolve(
        code === 0
          ? undefined
          : new DbarchError('DBA_BACKUP_COMPRESSION_FAILED', `${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`, {
              details: { command, args, code, signal, stderr },
            }),
      ),
    );
  });

  const duplex = new Duplex({
    writableHighWaterMark: 1 << 20,
    readableHighWaterMark: 1 << 20,
    write(chunk: Buffer, _encoding, callback) {
      // The program may already have died (bad input): its exit is the error worth reporting, not EPIPE.
      if (!child.stdin.writable) return callback();
      child.stdin.write(chunk, (error) => callback(error && !isPipeError(error) ? error : undefined));
    },
    final(callback) {
      child.stdin.end(callback);
    },
    read() {
      child.stdout.resume();
    },
    destroy(error, callback) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      callback(error);
    },
  });
  child.stdin.on('error', (error) => {
    if (!isPipeError(error)) duplex.destroy(error);
  });
  child.stdout.on('data', (chunk: Buffer) => {
    if (!duplex.push(chunk)) child.stdout.pause();
  });
  child.stdout.once('end', () => {
    void exited.then((error) => (error ? duplex.destroy(error) : duplex.push(null)));
  });
  // A program that fails without closing stdout first (spawn error) still ends the stream.
  void exited.then((error) => {
    if (error && !duplex.destroyed) duplex.destroy(error);
  });
  return duplex;
}

function isPipeError(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}
