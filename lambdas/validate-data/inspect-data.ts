import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PIPELINE_ERRORS, type DataInputRef, type ValidateDataResult } from '../../lib/contract';
import { DataNotFoundError, scanDataObjects } from '../adapters/s3-objects';
import { mapLimit } from '../shared/concurrency';

export { DataNotFoundError };

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

/**
 * Checks that `dataUri` names non-empty data, read as Gantry reads it (see `scanDataObjects`),
 * and pins up to `maxInputs` objects for lineage. The result's `dataUri` is the normalized URI:
 * the pipeline hands exactly that to SageMaker, so the job reads what was checked.
 */
export async function inspectData(s3: S3Client, dataUri: string, options: InspectOptions = {}): Promise<Omit<ValidateDataResult, 'hyperparameters'>> {
  const scan = await scanDataObjects(s3, dataUri, { pageSize: options.pageSize });
  if (scan.objects.length === 0) {
    if (scan.skipped > 0) throw new EmptyDataError(dataUri, scan.skipped);
    throw new DataNotFoundError(dataUri);
  }
  const pinned = scan.objects.slice(0, options.maxInputs ?? 100);
  // A single object was found by HeadObject already; a listing has no version ids, so each
  // pinned object is asked once (HeadObject returns the current one on a versioned bucket).
  const single = scan.objects.length === 1 && scan.uri === `s3://${scan.objects[0]!.bucket}/${scan.objects[0]!.key}`;
  const dataInputs = await mapLimit(pinned, options.headConcurrency ?? 8, async (object) => {
    if (single) return ref(object.bucket, object.key, object.etag, object.versionId);
    const head = await s3.send(new HeadObjectCommand({ Bucket: object.bucket, Key: object.key }));
    return ref(object.bucket, object.key, object.etag ?? head.ETag, head.VersionId);
  });
  return { dataUri: scan.uri, objects: scan.objects.length, bytes: scan.objects.reduce((n, o) => n + o.size, 0), dataInputs, truncated: scan.objects.length > pinned.length };
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
