/**
 * Streams S3 objects line by line: one object, or every object under a prefix. Bodies go
 * through readline as they arrive (gunzipped on the way when the key ends in `.gz`), so a
 * file of any size is read in the memory of its longest line.
 */
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createInterface } from 'node:readline';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { PIPELINE_ERRORS } from '../../lib/contract';

/** Thrown for a URI that is not `s3://bucket[/key]`. */
export class InvalidS3UriError extends Error {
  constructor(readonly uri: string) {
    super(`"${uri}" is not an s3://bucket/key URI`);
    this.name = 'InvalidS3UriError';
  }
}

/** No object at the URI, nor under it as a prefix (or its bucket does not exist). */
export class DataNotFoundError extends Error {
  constructor(readonly uri: string, options?: { cause?: unknown }) {
    super(`no data at ${uri}`, options);
    this.name = PIPELINE_ERRORS.dataNotFound;
  }
}

/** The object changed (ETag mismatch) or vanished between two reads of the same listing. */
export class DataChangedError extends Error {
  constructor(readonly uri: string, options?: { cause?: unknown }) {
    super(`${uri} changed while it was being read; rerun on a stable snapshot`, options);
    this.name = 'DataChangedError';
  }
}

/** A `.gz` object that is not valid gzip (or is cut short). */
export class CorruptDataError extends Error {
  constructor(readonly uri: string, options: { cause: unknown }) {
    super(`${uri} is not valid gzip: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
    this.name = 'CorruptDataError';
  }
}

export interface S3Location {
  readonly bucket: string;
  /** The key or prefix; empty for a whole bucket. */
  readonly key: string;
}

/** One object found by `listDataObjects`, pinned by its ETag. */
export interface S3ObjectRef {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly etag?: string;
  /** Known when the object was found by HeadObject on a versioned bucket. */
  readonly versionId?: string;
}

/** `s3://bucket/a/b.csv` → `{ bucket: 'bucket', key: 'a/b.csv' }`. @throws InvalidS3UriError */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!match) throw new InvalidS3UriError(uri);
  return { bucket: match[1]!, key: match[2] ?? '' };
}

export function s3Uri(ref: { readonly bucket: string; readonly key: string }): string {
  return `s3://${ref.bucket}/${ref.key}`;
}

/** What a data URI names, as read. */
export interface DataScan {
  /** The object's own URI, or the prefix it was read as, ending in `/`. */
  readonly uri: string;
  /** The data objects, in key order. */
  readonly objects: readonly S3ObjectRef[];
  /** Listed objects that are not data: folder markers, empty objects, `_SUCCESS`, `.crc`, dot-files. */
  readonly skipped: number;
}

/**
 * Reads a data URI the one way Gantry reads data: the object of that exact key when one
 * exists, else everything under `key/` (never a bare `key*` prefix, which would also match
 * `key-archive/`). Does not throw when nothing is data; `skipped` tells empty from absent.
 * @throws DataNotFoundError when the bucket does not exist
 */
export async function scanDataObjects(s3: S3Client, uri: string, options: { readonly pageSize?: number } = {}): Promise<DataScan> {
  const { bucket, key } = parseS3Uri(uri);
  try {
    if (key !== '' && !key.endsWith('/')) {
      const single = await headObject(s3, bucket, key);
      if (single !== undefined) return single.size > 0 ? { uri: s3Uri(single), objects: [single], skipped: 0 } : { uri: s3Uri(single), objects: [], skipped: 1 };
    }
    const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
    const objects: S3ObjectRef[] = [];
    let skipped = 0;
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: options.pageSize ?? 1000 }));
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined || !isDataKey(object.Key) || (object.Size ?? 0) === 0) skipped++;
        else objects.push({ bucket, key: object.Key, size: object.Size ?? 0, etag: object.ETag });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return { uri: `s3://${bucket}/${prefix}`, objects, skipped };
  } catch (err) {
    if (isS3Error(err, 'NoSuchBucket')) throw new DataNotFoundError(uri, { cause: err });
    throw err;
  }
}

/**
 * The data objects a URI names (see `scanDataObjects`); an existing object of the exact key is
 * returned even when empty, so readers report it as empty rather than absent.
 * @throws DataNotFoundError when there is none
 */
export async function listDataObjects(s3: S3Client, uri: string, options: { readonly pageSize?: number } = {}): Promise<S3ObjectRef[]> {
  const scan = await scanDataObjects(s3, uri, options);
  if (scan.objects.length > 0) return [...scan.objects];
  const { bucket, key } = parseS3Uri(uri);
  if (scan.skipped === 1 && scan.uri === `s3://${bucket}/${key}` && key !== '' && !key.endsWith('/')) return [{ bucket, key, size: 0 }];
  throw new DataNotFoundError(uri);
}

/**
 * The object's lines, without line endings (LF or CRLF) or a leading byte-order mark. With
 * an ETag, the read fails with DataChangedError if the object is no longer that version.
 */
export async function* objectLines(s3: S3Client, ref: S3ObjectRef): AsyncGenerator<string> {
  let response;
  try {
    response = await s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, IfMatch: ref.etag }));
  } catch (err) {
    if (isS3Error(err, 'PreconditionFailed') || isS3Error(err, 'NoSuchKey')) throw new DataChangedError(s3Uri(ref), { cause: err });
    throw err;
  }
  const body = response.Body;
  if (!(body instanceof Readable)) throw new TypeError(`${s3Uri(ref)} has no readable body`);
  // S3 enforces IfMatch; comparing the ETag as well covers stores that ignore it (s3rver).
  if (ref.etag !== undefined && response.ETag !== undefined && response.ETag !== ref.etag) {
    body.destroy();
    throw new DataChangedError(s3Uri(ref));
  }
  yield* streamLines(body, ref.key.endsWith('.gz'), (err) => new CorruptDataError(s3Uri(ref), { cause: err }));
}

/**
 * The lines of a byte stream, gunzipped when `gzipped`, without line endings or a leading
 * byte-order mark. The stream is destroyed when the reader stops. A gunzip error (zlib's Z_*
 * codes) is rethrown as `corrupt(error)` when given.
 */
export async function* streamLines(body: Readable, gzipped: boolean, corrupt?: (error: unknown) => Error): AsyncGenerator<string> {
  const input = gzipped ? pipeline(body, createGunzip(), () => undefined) : body;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let first = true;
  try {
    for await (const line of lines) {
      yield first && line.startsWith('\uFEFF') ? line.slice(1) : line;
      first = false;
    }
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    if (corrupt && gzipped && typeof code === 'string' && code.startsWith('Z_')) throw corrupt(err);
    throw err;
  } finally {
    lines.close();
    body.destroy();
    if (input !== body) input.destroy();
  }
}

/** True when the SDK error (or s3rver's) carries this S3 error code. */
export function isS3Error(err: unknown, code: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, Code } = err as { name?: unknown; Code?: unknown };
  return name === code || Code === code;
}

async function headObject(s3: S3Client, bucket: string, key: string): Promise<S3ObjectRef | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { bucket, key, size: head.ContentLength ?? 0, etag: head.ETag, ...(head.VersionId ? { versionId: head.VersionId } : {}) };
  } catch (err) {
    // HEAD responses have no body, so a missing key surfaces as a bare 404 "NotFound".
    if (isS3Error(err, 'NotFound') || isS3Error(err, 'NoSuchKey')) return undefined;
    throw err;
  }
}

function isDataKey(key: string): boolean {
  const base = key.slice(key.lastIndexOf('/') + 1);
  return base !== '' && !base.startsWith('_') && !base.startsWith('.') && !base.endsWith('.crc');
}
