import { randomBytes } from 'node:crypto';

let counter = 0;
const MAX_NAME_LENGTH = 63;

/**
 * A name that is unique across parallel test workers and valid both as a
 * DynamoDB table name and as an S3 bucket name (3-63 chars of [a-z0-9-],
 * starting and ending with a letter or digit).
 */
export function uniqueName(prefix: string): string {
  counter += 1;
  const suffix = `${process.pid.toString(36)}-${counter.toString(36)}-${randomBytes(3).toString('hex')}`;
  const cleaned = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_NAME_LENGTH - suffix.length - 1)
    .replace(/-+$/, '');
  return `${cleaned || 't'}-${suffix}`;
}
