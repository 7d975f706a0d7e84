import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListBucketsCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { eventually } from './childProcess.ts';
import { freePort } from './freePort.ts';
import { testLogFile } from './testLogFile.ts';

/** The versitygw release the harness and `.ci/run` agree on. */
const versitygwVersion = 'v1.8.0';

/** A local S3-compatible server (versitygw, posix backend) this test started, with its own directories and root keys. */
export interface S3Server {
  /** http://127.0.0.1:<port>, for `endpoint` in S3 clients. */
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The posix backend's root: every bucket is a directory below it (tests may tamper with objects there). */
  readonly rootDir: string;
  /** A client with path-style addressing and the root keys; the caller must not destroy it. */
  readonly client: S3Client;
  /** Creates a bucket (a fresh random name when none is given), optionally versioned, and returns its name. */
  createBucket(name?: string, options?: { versioned?: boolean }): Promise<string>;
  /** The environment an S3 client in a child process (dbarch wal-push, the AWS SDK's defaults) needs. */
  env(): Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The versitygw binary: DBARCH_VERSITYGW_PATH, else the build `.ci/run` caches. Throws with the build command when
 * neither exists, so a missing binary reads as a setup step rather than a test failure.
 */
export function findVersitygw(): string {
  const candidates = [process.env.DBARCH_VERSITYGW_PATH, join(homedir(), '.cache', 'dbarch', `versitygw-${versitygwVersion}`, 'versitygw')];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  const target = join(homedir(), '.cache', 'dbarch', `versitygw-${versitygwVersion}`);
  throw new Error(
    `versitygw not found (DBARCH_VERSITYGW_PATH unset and nothing at ${target}/versitygw). Build it (about 2 min) with:\n` +
      `  mkdir -p ${target} && GOBIN=${target} CGO_ENABLED=0 go install github.com/versity/versitygw/cmd/versitygw@${versitygwVersion}\n` +
      'or run .ci/run, which does the same and exports DBARCH_VERSITYGW_PATH.',
  );
}

/** Starts versitygw on a free port of 127.0.0.1 with fresh data and versioning directories; call `stop()` in `after`. */
export async function startS3Server(): Promise<S3Server> {
  const binary = findVersitygw();
  let lastError: unknown;
  // A free port can be taken between asking and binding: try again with another.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(binary);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOnce(binary: string): Promise<S3Server> {
  const baseDir = join(tmpdir(), 'dbarch-s3', `${process.pid}-${randomBytes(3).toString('hex')}`);
  const rootDir = join(baseDir, 'data');
  const versioningDir = join(baseDir, 'versions');
  mkdirSync(rootDir, { recursive: true });
  mkdirSync(versioningDir, { recursive: true });
  const port = await freePort();
  const accessKeyId = `dbarch${randomBytes(6).toString('hex')}`;
  const secretAccessKey = randomBytes(24).toString('hex');
  const region = 'us-east-1';
  const endpoint = `http://127.0.0.1:${port}`;
  const log = createWriteStream(testLogFile(), { flags: 'a' });
  const child = spawn(binary, ['--port', `127.0.0.1:${port}`, '--quiet', 'posix', '--versioning-dir', versioningDir, rootDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ROOT_ACCESS_KEY: accessKeyId, ROOT_SECRET_KEY: secretAccessKey, VGW_REGION: region },
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-16_384);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));

  const client = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  const stop = async () => {
    if (!gone) child.kill('SIGTERM');
    await exited;
    client.destroy();
    log.end();
    rmSync(baseDir, { recursive: true, force: true });
  };
  try {
    await eventually(async () => {
      if (gone) throw new Error(`versitygw exited before answering on ${endpoint}:\n${output}`);
      try {
        await client.send(new ListBucketsCommand({}));
        return true;
      } catch {
        return undefined;
      }
    }, `versitygw on ${endpoint}`, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    endpoint,
    region,
    accessKeyId,
    secretAccessKey,
    rootDir,
    client,
    async createBucket(name, options = {}) {
      const bucket = name ?? `dbarch-test-${randomBytes(4).toString('hex')}`;
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      if (options.versioned) await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
      return bucket;
    },
    env: () => ({
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      AWS_REGION: region,
      AWS_ENDPOINT_URL_S3: endpoint,
      DBARCH_S3_FORCE_PATH_STYLE: 'true',
    }),
    stop,
  };
}
