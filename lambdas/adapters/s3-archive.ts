/**
 * Reads one member of a `.tar.gz` in S3 (a training job's `output.tar.gz`): the object is
 * streamed through gunzip into the tar reader, which stops at the member, so the archive is
 * never held in memory and the download ends as soon as the member has been read.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DEFAULT_MAX_MEMBER_BYTES, findMember, TarFormatError, TarMemberNotFoundError, TarMemberTooLargeError } from '../core/archive/tar';
import { isS3Error, parseS3Uri } from './s3-objects';

/** No object at the URI (NoSuchKey or NoSuchBucket). */
export class ArchiveNotFoundError extends Error {
  constructor(readonly uri: string, options?: { cause?: unknown }) {
    super(`no archive at ${uri}`, options);
    this.name = 'ArchiveNotFoundError';
  }
}

/** The archive holds no such file; `members` lists the first 20 files it does hold. */
export class ArchiveMemberNotFoundError extends Error {
  readonly members: readonly string[];
  constructor(readonly uri: string, readonly member: string, options: { cause: TarMemberNotFoundError }) {
    super(`${uri}: ${options.cause.message}`, options);
    this.name = 'ArchiveMemberNotFoundError';
    this.members = options.cause.members;
  }
}

/** The member is larger than the reader's limit. */
export class ArchiveMemberTooLargeError extends Error {
  constructor(readonly uri: string, readonly member: string, options: { cause: TarMemberTooLargeError }) {
    super(`${uri}: ${options.cause.message}`, options);
    this.name = 'ArchiveMemberTooLargeError';
  }
}

/** The object is not gzip, or what it decompresses to is not a tar archive. */
export class InvalidArchiveError extends Error {
  constructor(readonly uri: string, reason: string, options?: { cause?: unknown }) {
    super(`${uri} is not a valid .tar.gz: ${reason}`, options);
    this.name = 'InvalidArchiveError';
  }
}

/**
 * The bytes of the archive member whose path or basename is `member`.
 * @throws ArchiveNotFoundError, ArchiveMemberNotFoundError, ArchiveMemberTooLargeError, InvalidArchiveError
 */
export async function readTarGzMember(s3: S3Client, uri: string, member: string, options: { readonly maxBytes?: number } = {}): Promise<Buffer> {
  const { bucket, key } = parseS3Uri(uri);
  let body: unknown;
  try {
    body = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body;
  } catch (err) {
    if (isS3Error(err, 'NoSuchKey') || isS3Error(err, 'NoSuchBucket')) throw new ArchiveNotFoundError(uri, { cause: err });
    throw err;
  }
  if (!(body instanceof Readable)) throw new TypeError(`${uri} has no readable body`);
  const gunzip = createGunzip();
  // pipeline forwards a network error on the body to gunzip, where the tar reader sees it.
  pipeline(body, gunzip, () => undefined);
  try {
    return await findMember(gunzip, member, { maxBytes: options.maxBytes ?? DEFAULT_MAX_MEMBER_BYTES });
  } catch (err) {
    if (err instanceof TarMemberNotFoundError) throw new ArchiveMemberNotFoundError(uri, member, { cause: err });
    if (err instanceof TarMemberTooLargeError) throw new ArchiveMemberTooLargeError(uri, member, { cause: err });
    if (err instanceof TarFormatError) throw new InvalidArchiveError(uri, err.message, { cause: err });
    if (isZlibError(err)) throw new InvalidArchiveError(uri, `not gzip data (${(err as Error).message})`, { cause: err });
    throw err;
  } finally {
    gunzip.destroy();
    body.destroy();
  }
}

function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
