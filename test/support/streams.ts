import { createCipheriv, createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';

const CHUNK_SIZE = 256 * 1024;

/**
 * Deterministic pseudo-random bytes (AES-128-CTR keystream over zeros), produced chunk by
 * chunk and hashed on the way out, so a large object never sits in memory.
 */
export function pseudoRandomStream(size: number, seed: string, hash: Hash): Readable {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK_SIZE);
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let sent = 0; sent < size; sent += CHUNK_SIZE) {
      const chunk = cipher.update(zeros.subarray(0, Math.min(CHUNK_SIZE, size - sent)));
      hash.update(chunk);
      yield chunk;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** Streams a body through sha256 and counts its bytes. */
export async function hashStream(body: unknown): Promise<{ sha256: string; bytes: number }> {
  if (!(body instanceof Readable)) throw new Error('expected a Node Readable body');
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of body) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
