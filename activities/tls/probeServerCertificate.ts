import { connect as connectTcp, isIP } from 'node:net';
import { connect as connectTls, type PeerCertificate } from 'node:tls';
import { once } from 'node:events';

export interface ServedCertificate {
  /** Upper-case hex without leading zeros, as Node reports it. */
  readonly serial: string;
  readonly notAfter: string;
  readonly protocol: string | null;
  readonly cipher: string;
}

/** PostgreSQL's SSLRequest: length 8, then the code 1234/5679. */
const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/**
 * The certificate a PostgreSQL server presents to a new connection, verified against `ca` (chain and host name,
 * as verify-full does): what a client connecting now would see. No login is attempted.
 */
export async function probeServerCertificate(host: string, port: number, ca: string, timeoutMs = 3000): Promise<ServedCertificate> {
  const socket = connectTcp({ host, port });
  socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)));
  try {
    await once(socket, 'connect');
    socket.write(sslRequest);
    const [answer] = (await once(socket, 'data')) as [Buffer];
    if (answer.toString('latin1', 0, 1) !== 'S') throw new Error(`${host}:${port} does not accept TLS (answered ${JSON.stringify(answer.toString('latin1', 0, 1))})`);
    const secure = connectTls({ socket, ca, host, ...(isIP(host) === 0 ? { servername: host } : {}) });
    try {
      await once(secure, 'secureConnect');
      const peer: PeerCertificate = secure.getPeerCertificate();
      return { serial: normaliseSerial(peer.serialNumber), notAfter: peer.valid_to, protocol: secure.getProtocol(), cipher: secure.getCipher().name };
    } finally {
      // end, not destroy: the handshake's last flight reaches the server, which then sees a clean close before any
      // startup packet (and logs nothing) instead of a broken handshake.
      secure.end();
      await Promise.race([once(secure, 'close'), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    }
  } finally {
    socket.destroy();
  }
}

export function normaliseSerial(hex: string): string {
  return hex.toUpperCase().replace(/^0+(?=.)/, '');
}
