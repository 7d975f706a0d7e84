import net from 'node:net';
import { serviceUrls } from '../../runtime/serviceUrls.ts';

export interface RedisProxy {
  readonly url: string;
  /** Drops every connection and refuses new ones: Redis is down for the clients behind the proxy only. */
  cut(): void;
  restore(): void;
  close(): void;
}

/** A TCP proxy to the shared Redis that a test can cut and restore: an outage of its clients only. */
export async function redisProxy(): Promise<RedisProxy> {
  const target = new URL(serviceUrls().redis);
  const sockets = new Set<net.Socket>();
  let up = true;
  const server = net.createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const dropAll = () => {
    for (const s of sockets) s.destroy();
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    cut() {
      up = false;
      dropAll();
    },
    restore() {
      up = true;
    },
    close() {
      up = false;
      dropAll();
      server.close();
    },
  };
}
