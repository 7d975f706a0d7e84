import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { eventually } from './childProcess.ts';
import { freePort } from './freePort.ts';
import { testLogFile } from './testLogFile.ts';

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
  const target = join(homedir(), '.cache', 'dbarch', `local-kms-${localKmsVersion}`);
  for (const candidate of [process.env.DBARCH_LOCAL_KMS_PATH, join(target, 'local-kms')]) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    `local-kms not found (DBARCH_LOCAL_KMS_PATH unset and nothing at ${target}/local-kms). Build it with:\n` +
      `  mkdir -p ${target} && GOBIN=${target} CGO_ENABLED=0 go install github.com/nsmithuk/local-kms@${localKmsVersion}\n` +
      'or run .ci/run, which does the same and exports DBARCH_LOCAL_KMS_PATH.',
  );
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
  const log = createWriteStream(testLogFile(), { flags: 'a' });
  let stopServer: (() => Promise<void>) | undefined;

  const start = async () => {
    const child = spawn(binary, [], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORT: String(port), KMS_DATA_PATH: dataDir, KMS_SEED_PATH: seedPath, KMS_REGION: region } });
    let output = '';
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-16_384);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    let gone = false;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    void exited.then(() => (gone = true));
    stopServer = async () => {
      if (!gone) child.kill('SIGTERM');
      await exited;
    };
    await eventually(async () => {
      if (gone) throw new Error(`local-kms exited before answering on ${endpoint}:\n${output}`);
      try {
        await client.send(new ListKeysCommand({}));
        return true;
      } catch {
        return undefined;
      }
    }, `local-kms on ${endpoint}`, 20_000);
  };
  const stop = async () => {
    await stopServer?.();
    stopServer = undefined;
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
      log.end();
      rmSync(baseDir, { recursive: true, force: true });
    },
  };
}
