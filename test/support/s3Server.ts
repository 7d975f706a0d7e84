import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListBucketsCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { findCachedBinary } from './findCachedBinary.ts';
import { freePort } from './freePort.ts';
import { startServerProcess } from './startServerProcess.ts';

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
  return findCachedBinary({ name: 'versitygw', version: versitygwVersion, envVariable: 'DBARCH_VERSITYGW_PATH', module: 'github.com/versity/versitygw/cmd/versitygw', buildTime: 'about 2 min' });
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
  const client = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  const removeAll = () => {
    client.destroy();
    rmSync(baseDir, { recursive: true, force: true });
  };
  const server = await startServerProcess({
    name: 'versitygw',
    binary,
    args: ['--port', `127.0.0.1:${port}`, '--quiet', 'posix', '--versioning-dir', versioningDir, rootDir],
    env: { ...process.env, ROOT_ACCESS_KEY: accessKeyId, ROOT_SECRET_KEY: secretAccessKey, VGW_REGION: region },
    endpoint,
    ready: async () => {
      await client.send(new ListBucketsCommand({}));
      return true;
    },
  }).catch((error: unknown) => {
    removeAll();
    throw error;
  });
  const stop = async () => {
    await server.stop();
    removeAll();
  };

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
