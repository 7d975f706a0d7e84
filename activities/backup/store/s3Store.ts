import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { DbarchError } from '../../../errors/DbarchError.ts';
import type { GetOptions, ObjectInfo, ObjectStore, PutOptions } from './ObjectStore.ts';
import type { S3Settings } from './S3Settings.ts';
import { objectExists } from './objectExists.ts';
import { objectKey } from './objectKey.ts';
import { objectMissing } from './objectMissing.ts';

/** Parts of a streamed upload: 16 MiB keeps 10 000 parts above 150 GiB; four in flight keep the link busy. */
const partSize = 16 * 1024 * 1024;
const queueSize = 4;

/**
 * s3:// destinations through @aws-sdk/client-s3: streams go up as multipart uploads (lib-storage), a put-if-absent
 * is `If-None-Match: *` on the PUT or on CompleteMultipartUpload (atomic on AWS S3 and versitygw). The SDK's own
 * CRC checksums are switched off: every backup object carries AES-GCM tags and a SHA-256 in its manifest.
 */
export function s3Store(destination: string, bucket: string, prefix: string, settings: S3Settings): ObjectStore {
  const client = new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
    ...(settings.accessKeyId && settings.secretAccessKey
      ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
      : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 5,
  });
  const base = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  const fullKey = (key: string) => base + objectKey(key);
  const fail = (key: string, error: unknown) => classify(destination, key, error);

  async function put(key: string, body: Readable | Uint8Array | string, options: PutOptions = {}): Promise<ObjectInfo> {
    const params = { Bucket: bucket, Key: fullKey(key), ...(options.ifAbsent ? { IfNoneMatch: '*' } : {}) };
    try {
      if (typeof body === 'string' || body instanceof Uint8Array) {
        const bytes = Buffer.from(body);
        await client.send(new PutObjectCommand({ ...params, Body: bytes, ContentLength: bytes.length }), options.signal ? { abortSignal: options.signal } : {});
        options.onProgress?.(bytes.length);
        return { key, size: bytes.length, lastModified: new Date() };
      }
      let size = 0;
      // Count what the source produced (lib-storage's progress counts parts sent, which lags a part behind).
      body.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      const upload = new Upload({ client, params: { ...params, Body: body }, partSize, queueSize, leavePartsOnError: false });
      upload.on('httpUploadProgress', (progress) => {
        if (progress.loaded !== undefined) options.onProgress?.(progress.loaded);
      });
      const abort = () => void upload.abort();
      options.signal?.addEventListener('abort', abort, { once: true });
      // A failing source (compressor, pg_basebackup) is the real cause: lib-storage would only see a stream error.
      let sourceError: unknown;
      body.once('error', (error) => {
        sourceError = error;
        abort();
      });
      try {
        await upload.done();
      } catch (error) {
        throw sourceError ?? error;
      } finally {
        options.signal?.removeEventListener('abort', abort);
      }
      return { key, size, lastModified: new Date() };
    } catch (error) {
      throw fail(key, error);
    }
  }

  async function get(key: string, options: GetOptions = {}): Promise<Readable> {
    const range = options.range;
    try {
      const answer = await client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: fullKey(key),
          ...(range ? { Range: `bytes=${range.start}-${range.end !== undefined ? range.end - 1 : ''}` } : {}),
        }),
        options.signal ? { abortSignal: options.signal } : {},
      );
      if (!(answer.Body instanceof Readable)) throw new Error('the S3 client returned no Node stream');
      return answer.Body;
    } catch (error) {
      throw fail(key, error);
    }
  }

  async function getBytes(key: string, options: GetOptions = {}): Promise<Buffer> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of await get(key, options)) chunks.push(chunk as Buffer);
    } catch (error) {
      throw fail(key, error);
    }
    return Buffer.concat(chunks);
  }

  async function head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const answer = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: fullKey(key) }));
      return { key, size: answer.ContentLength ?? 0, lastModified: answer.LastModified ?? new Date(0) };
    } catch (error) {
      const coded = fail(key, error);
      if (coded.code === 'DBA_BACKUP_OBJECT_MISSING') return undefined;
      throw coded;
    }
  }

  async function list(listPrefix: string): Promise<ObjectInfo[]> {
    const found: ObjectInfo[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: base + listPrefix, ...(token ? { ContinuationToken: token } : {}) }),
        );
        for (const item of page.Contents ?? []) {
          if (item.Key === undefined || !item.Key.startsWith(base)) continue;
          found.push({ key: item.Key.slice(base.length), size: item.Size ?? 0, lastModified: item.LastModified ?? new Date(0) });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw fail(listPrefix, error);
    }
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async function remove(key: string): Promise<void> {
    try {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: fullKey(key) }));
    } catch (error) {
      const coded = fail(key, error);
      if (coded.code !== 'DBA_BACKUP_OBJECT_MISSING') throw coded;
    }
  }

  async function removeIncomplete(listPrefix: string): Promise<number> {
    let removed = 0;
    try {
      const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: base + listPrefix }));
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId) continue;
        await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
        removed++;
      }
    } catch (error) {
      const coded = fail(listPrefix, error);
      if (coded.code !== 'DBA_BACKUP_OBJECT_MISSING') throw coded;
    }
    return removed;
  }

  return { destination, put, get, getBytes, head, list, delete: remove, removeIncomplete };
}

const deniedNames = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'NoSuchBucket', 'AllAccessDisabled', 'InvalidBucketName']);

/** S3 answers by HTTP status and error name; a network error has neither and is worth retrying. */
function classify(destination: string, key: string, error: unknown): DbarchError {
  if (error instanceof DbarchError) return error;
  if ((error as { name?: string }).name === 'AbortError') {
    return new DbarchError('DBA_BACKUP_STORE_UNREACHABLE', `request for ${key} in ${destination} was aborted`, { cause: error });
  }
  const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
  const name = (error as { name?: string }).name ?? '';
  const details = { destination, key, status, name, message: (error as Error).message };
  if (name === 'NoSuchBucket') {
    return new DbarchError('DBA_BACKUP_STORE_DENIED', `bucket of ${destination} does not exist`, { cause: error, details });
  }
  if (status === 404 || name === 'NoSuchKey' || name === 'NotFound') return objectMissing(destination, key);
  if (status === 412 || name === 'PreconditionFailed') return objectExists(destination, key);
  if (status === 416 || name === 'InvalidRange') {
    return new DbarchError('DBA_BACKUP_TRUNCATED', `range requested from ${key} lies beyond its end`, { cause: error, details });
  }
  if (deniedNames.has(name) || status === 403 || status === 400) {
    return new DbarchError('DBA_BACKUP_STORE_DENIED', `${destination} refused the request for ${key}: ${name || status}`, { cause: error, details });
  }
  return new DbarchError('DBA_BACKUP_STORE_UNREACHABLE', `${destination} failed the request for ${key}: ${(error as Error).message}`, { cause: error, details });
}
