import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './freePort.ts';

/**
 * PowerDNS Authoritative (Debian's pdns-server, SQLite backend) with its REST API, the stand-in for Route53: started
 * for one test file on free ports with its own directory, config and database, never as a system service. Caches
 * are off so a query right after an API change sees it (production servers purge on API changes anyway).
 */
export interface PowerDns {
  /** The REST API's base URL, e.g. http://127.0.0.1:8081 (the API is under /api/v1). */
  readonly apiUrl: string;
  readonly apiKey: string;
  /** DNS over UDP/TCP on 127.0.0.1. */
  readonly dnsPort: number;
  /** Creates a native zone (name ends with a dot) with an SOA and one NS record. */
  createZone(zone: string): Promise<void>;
  log(): string;
  stop(): Promise<void>;
}

const schemaFile = '/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql';

export async function startPowerDns(): Promise<PowerDns> {
  const dir = mkdtempSync(join(tmpdir(), 'dbarch-pdns-'));
  const database = join(dir, 'pdns.sqlite3');
  execFileSync('sqlite3', [database], { input: readFileSync(schemaFile) });
  const apiKey = randomBytes(12).toString('hex');
  const dnsPort = await freePort();
  const apiPort = await freePort();
  const config = {
    launch: 'gsqlite3',
    'gsqlite3-database': database,
    'local-address': '127.0.0.1',
    'local-port': String(dnsPort),
    api: 'yes',
    'api-key': apiKey,
    webserver: 'yes',
    'webserver-address': '127.0.0.1',
    'webserver-port': String(apiPort),
    'webserver-allow-from': '127.0.0.0/8',
    'socket-dir': dir,
    guardian: 'no',
    daemon: 'no',
    'disable-syslog': 'yes',
    'cache-ttl': '0',
    'negquery-cache-ttl': '0',
    'query-cache-ttl': '0',
    'zone-cache-refresh-interval': '0',
    loglevel: '4',
  };
  writeFileSync(join(dir, 'pdns.conf'), Object.entries(config).map(([key, value]) => `${key}=${value}`).join('\n') + '\n');
  const child = spawn('pdns_server', [`--config-dir=${dir}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-65_536);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const headers = { 'x-api-key': apiKey, 'content-type': 'application/json' };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (hasExited) throw new Error(`pdns_server exited during start-up:\n${output}`);
    try {
      const response = await fetch(`${apiUrl}/api/v1/servers/localhost`, { headers, signal: AbortSignal.timeout(1000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`pdns_server API did not answer within 20 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    apiUrl,
    apiKey,
    dnsPort,
    async createZone(zone) {
      const response = await fetch(`${apiUrl}/api/v1/servers/localhost/zones`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: zone, kind: 'Native', nameservers: [`ns1.${zone}`] }),
      });
      if (response.status !== 201) throw new Error(`PowerDNS refused zone ${zone}: ${response.status} ${await response.text()}`);
    },
    log: () => output,
    async stop() {
      if (!hasExited) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (!hasExited) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
