import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Baseline } from '../../lib/contract';
import { InvalidBaselineError, parseBaseline } from '../core/baseline/parse';
import type { BaselineSource } from '../core/drift/compare';
import { isS3Error, parseS3Uri } from './s3-objects';

/** Reads baselines from S3, for the drift function and `gantry drift check --baseline s3://…`. */
export class S3BaselineSource implements BaselineSource {
  constructor(private readonly s3: S3Client) {}

  /** The baseline at an s3:// URI. @throws InvalidBaselineError when it is absent or not a baseline */
  async read(uri: string): Promise<Baseline> {
    let location;
    try {
      location = parseS3Uri(uri);
    } catch (error) {
      throw new InvalidBaselineError(uri, 'is not an s3://bucket/key URI', { cause: error });
    }
    let text: string;
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
      text = (await object.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (isS3Error(error, 'NoSuchKey') || isS3Error(error, 'NoSuchBucket')) throw new InvalidBaselineError(uri, 'no such object', { cause: error });
      throw error;
    }
    return parseBaseline(text, uri);
  }
}
