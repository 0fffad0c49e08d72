import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { driftReportKey } from '../../lib/contract';
import type { DriftReportStore } from '../core/drift/check';
import { isS3Error, s3Uri } from './s3-objects';

/** The drift reports in the artifacts bucket, one JSON object per model and window (`driftReportKey`). */
export class S3DriftReportStore implements DriftReportStore {
  constructor(private readonly props: { readonly s3: S3Client; readonly bucket: string }) {}

  uriOf(model: string, windowId: string): string {
    return s3Uri({ bucket: this.props.bucket, key: driftReportKey(model, windowId) });
  }

  async put(model: string, windowId: string, json: string): Promise<void> {
    await this.props.s3.send(new PutObjectCommand({ Bucket: this.props.bucket, Key: driftReportKey(model, windowId), Body: json, ContentType: 'application/json' }));
  }

  async get(model: string, windowId: string): Promise<string | undefined> {
    try {
      const object = await this.props.s3.send(new GetObjectCommand({ Bucket: this.props.bucket, Key: driftReportKey(model, windowId) }));
      return (await object.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (isS3Error(error, 'NoSuchKey')) return undefined;
      throw error;
    }
  }
}
