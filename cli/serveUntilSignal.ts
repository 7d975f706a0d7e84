import type { FastifyInstance } from 'fastify';
import { DbarchError } from '../errors/DbarchError.ts';
import type { ErrorCode } from '../errors/registry.ts';

export interface ServeOptions {
  readonly verb: string;
  readonly port: number;
  readonly host: string;
  /** The code a port that cannot be had is reported with. */
  readonly listenFailed: ErrorCode;
  /** What the listening line calls the server, e.g. `dbarch API`. */
  readonly name: string;
}

/**
 * The long-running verbs' shape (`serve`, `gateway`): listen, rejecting with a coded error that says why a port
 * cannot be had, print where it listens, run until SIGINT/SIGTERM, close.
 */
export async function serveUntilSignal(server: FastifyInstance, options: ServeOptions): Promise<void> {
  const { port, host } = options;
  try {
    try {
      await server.listen({ port, host });
    } catch (caught) {
      const error = caught as NodeJS.ErrnoException;
      const why = error.code === 'EADDRINUSE' ? 'the port is already in use' : error.code === 'EACCES' ? 'permission denied' : error.code === 'EADDRNOTAVAIL' ? 'the address is not on this machine' : error.message;
      const hint =
        error.code === 'EADDRINUSE'
          ? `Another process listens on ${port} (\`ss -ltnp 'sport = :${port}'\` shows which): stop it, or pass another --port.`
          : error.code === 'EACCES'
            ? `Ports under 1024 need privileges: pass --port 8081 (or another above 1023).`
            : `Check --host ${host} and --port ${port}.`;
      throw new DbarchError(options.listenFailed, `dbarch ${options.verb} cannot listen on ${host}:${port}: ${why} (${error.code ?? 'error'})`, { hint, details: { host, port, errno: error.code ?? null } });
    }
    const address = server.server.address();
    console.log(`${options.name} listening on http://${host}:${typeof address === 'object' && address ? address.port : port}`);
    await new Promise<void>((stop) => {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  } finally {
    await server.close();
  }
}
