import { HeadObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { PIPELINE_ERRORS, type DataInputRef, type ValidateDataResult } from '../../lib/contract/pipeline';

/** No object at all under the data URI (or no such bucket). */
export class DataNotFoundError extends Error {
  constructor(readonly dataUri: string, options?: { cause?: unknown }) {
    super(`no training data at ${dataUri}: no object has that key or prefix`, options);
    this.name = PIPELINE_ERRORS.dataNotFound;
  }
}

/** Objects exist under the data URI, but every one is empty or a folder marker. */
export class EmptyDataError extends Error {
  constructor(readonly dataUri: string, readonly markers: number) {
    super(`training data at ${dataUri} is empty: its ${markers} object(s) are all zero-byte objects or folder markers`);
    this.name = PIPELINE_ERRORS.dataEmpty;
  }
}

export interface InspectOptions {
  /** Objects pinned in `dataInputs` for lineage. @default 100 */
  readonly maxInputs?: number;
  /** Parallel HeadObject requests while pinning version ids. @default 8 */
  readonly headConcurrency?: number;
  /** Keys per ListObjectsV2 page. @default S3's own, 1000 */
  readonly pageSize?: number;
}

interface Listed {
  readonly key: string;
  readonly size: number;
  readonly etag?: string;
}

/** `s3://bucket/key` → bucket and key ('' for the whole bucket). The caller has validated the shape. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: match[1]!, key: match[2]! };
}

/**
 * Checks that `dataUri` names non-empty data: one object of that exact key, or else every
 * object under it as a prefix (the way SageMaker's `S3Prefix` input reads it). Zero-byte
 * objects and keys ending in `/` are folder markers that consoles and sync tools create, not data.
 */
export async function inspectData(s3: S3Client, dataUri: string, options: InspectOptions = {}): Promise<ValidateDataResult> {
  const maxInputs = options.maxInputs ?? 100;
  const { bucket, key } = parseS3Uri(dataUri);

  if (key !== '' && !key.endsWith('/')) {
    const object = await headIfExists(s3, bucket, key);
    if (object && (object.ContentLength ?? 0) > 0) {
      return {
        dataUri,
        objects: 1,
        bytes: object.ContentLength ?? 0,
        dataInputs: [ref(bucket, key, object.ETag, object.VersionId)],
        truncated: false,
      };
    }
  }

  let listed = 0;
  let objects = 0;
  let bytes = 0;
  const pinned: Listed[] = [];
  try {
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: options.pageSize }, { Bucket: bucket, Prefix: key })) {
      for (const object of page.Contents ?? []) {
        listed++;
        const size = object.Size ?? 0;
        if (size === 0 || object.Key === undefined || object.Key.endsWith('/')) continue;
        objects++;
        bytes += size;
        // ListObjectsV2 returns keys in UTF-8 binary order, so the pinned objects are stable.
        if (pinned.length < maxInputs) pinned.push({ key: object.Key, size, etag: object.ETag });
      }
    }
  } catch (error) {
    if (errorName(error) === 'NoSuchBucket') throw new DataNotFoundError(dataUri, { cause: error });
    throw error;
  }
  if (listed === 0) throw new DataNotFoundError(dataUri);
  if (objects === 0) throw new EmptyDataError(dataUri, listed);

  const dataInputs = await mapLimit(pinned, options.headConcurrency ?? 8, async (object) => {
    // ListObjectsV2 has no version ids; HeadObject returns the current one on a versioned bucket.
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: object.key }));
    return ref(bucket, object.key, object.etag ?? head.ETag, head.VersionId);
  });
  return { dataUri, objects, bytes, dataInputs, truncated: objects > dataInputs.length };
}

async function headIfExists(s3: S3Client, bucket: string, key: string) {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    // HEAD has no error body: a missing key (or bucket) is a bare 404. The listing that
    // follows tells a prefix from a missing bucket.
    if (errorName(error) === 'NotFound' || errorName(error) === 'NoSuchKey' || httpStatus(error) === 404) return undefined;
    throw error;
  }
}

function ref(bucket: string, key: string, etag: string | undefined, versionId: string | undefined): DataInputRef {
  return {
    uri: `s3://${bucket}/${key}`,
    // S3 quotes ETags in headers and listings; the quotes carry no information.
    ...(etag ? { etag: etag.replace(/^"|"$/g, '') } : {}),
    // "null" is the version id of an object written before versioning was enabled: it pins nothing.
    ...(versionId && versionId !== 'null' ? { versionId } : {}),
  };
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
