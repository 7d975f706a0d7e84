import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { findCachedBinary } from './findCachedBinary.ts';
import { freePort } from './freePort.ts';
import { startServerProcess, type ServerProcess } from './startServerProcess.ts';

/** The local-kms build the harness and `.ci/run` agree on. */
const localKmsVersion = 'v0.0.0-20260228092603-2a5e92d09ab6';

/** local-kms (nsmithuk/local-kms: the AWS KMS API, real AES) that this test started, with its own data directory. */
export interface LocalKms {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  /** local-kms's account (111122223333) and this region make up the keys' ARNs. */
  readonly region: string;
  /** A client with dummy credentials (local-kms checks none); the caller must not destroy it. */
  readonly client: KMSClient;
  /** What a worker needs to reach it: AWS_ENDPOINT_URL_KMS, AWS_REGION and dummy keys. */
  env(): Record<string, string>;
  /** Stops the server, keeping its data (a KMS outage); `start()` brings it back on the same port with the same keys. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data. */
  close(): Promise<void>;
}

export function findLocalKms(): string {
  return findCachedBinary({ name: 'local-kms', version: localKmsVersion, envVariable: 'DBARCH_LOCAL_KMS_PATH', module: 'github.com/nsmithuk/local-kms' });
}

/** Starts local-kms on a free port of 127.0.0.1 with a private data directory (and an empty seed); `close()` in `after`. */
export async function startLocalKms(): Promise<LocalKms> {
  const binary = findLocalKms();
  const baseDir = join(tmpdir(), 'dbarch-kms', `${process.pid}-${randomBytes(3).toString('hex')}`);
  const dataDir = join(baseDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  // Without a seed file local-kms looks for /init/seed.yaml; an empty one of our own keeps it private.
  const seedPath = join(baseDir, 'seed.yaml');
  writeFileSync(seedPath, 'Keys: {}\nAliases: []\n');
  const port = await freePort();
  const region = 'eu-west-2';
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new KMSClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  let server: ServerProcess | undefined;

  const start = async () => {
    server = await startServerProcess({
      name: 'local-kms',
      binary,
      args: [],
      env: { ...process.env, PORT: String(port), KMS_DATA_PATH: dataDir, KMS_SEED_PATH: seedPath, KMS_REGION: region },
      endpoint,
      ready: async () => {
        await client.send(new ListKeysCommand({}));
        return true;
      },
    });
  };
  const stop = async () => {
    await server?.stop();
    server = undefined;
  };
  try {
    await start();
  } catch (error) {
    await stop();
    rmSync(baseDir, { recursive: true, force: true });
    throw error;
  }
  return {
    endpoint,
    region,
    client,
    env: () => ({ AWS_ENDPOINT_URL_KMS: endpoint, AWS_REGION: region, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' }),
    stop,
    start,
    async close() {
      await stop();
      client.destroy();
      rmSync(baseDir, { recursive: true, force: true });
    },
  };
}
