import type { S3Client } from '@aws-sdk/client-s3';
import type { CaptureFile } from '../core/drift/compare';
import type { CaptureSource } from '../core/drift/check';
import { objectLines, scanDataObjects } from './s3-objects';

export interface S3CaptureSourceProps {
  readonly s3: S3Client;
  /** The bucket SageMaker's data capture writes to. */
  readonly bucket: string;
  /** Keys per ListObjectsV2 page. @default 1000 */
  readonly pageSize?: number;
}

/**
 * The capture files under a prefix of the capture bucket, read as data URIs are
 * (`scanDataObjects`): each `.jsonl` object, pinned to the ETag it was listed with.
 */
export class S3CaptureSource implements CaptureSource {
  constructor(private readonly props: S3CaptureSourceProps) {}

  async list(prefix: string): Promise<readonly CaptureFile[]> {
    const { s3, bucket, pageSize } = this.props;
    const scan = await scanDataObjects(s3, `s3://${bucket}/${prefix}`, { pageSize });
    return scan.objects.filter((ref) => ref.key.endsWith('.jsonl')).map((ref) => ({ lines: () => objectLines(s3, ref) }));
  }
}
