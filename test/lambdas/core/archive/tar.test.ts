import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findMember, normalizeName, readTar, TarFormatError, TarMemberNotFoundError, TarMemberTooLargeError } from '../../../../lambdas/core/archive/tar';
import { tar, type TarInput } from '../../../support/tar';

/** Feeds bytes in chunks of the given size, to cross every block boundary in odd ways. */
function chunked(bytes: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks, { objectMode: false });
}

async function entries(bytes: Buffer, chunkSize = 4096): Promise<{ name: string; type: string; size: number; text: string }[]> {
  const out = [];
  for await (const entry of readTar(chunked(bytes, chunkSize))) {
    const parts: Buffer[] = [];
    for await (const part of entry.body) parts.push(part as Buffer);
    out.push({ name: entry.name, type: entry.type, size: entry.size, text: Buffer.concat(parts).toString() });
  }
  return out;
}

const longPath = `deeply/${'nested-folder/'.repeat(9)}evaluation.json`;

describe('readTar', () => {
  it.each([1, 7, 511, 512, 513, 65536])('reads files of every size around the block boundary, in chunks of %i bytes', async (chunkSize) => {
    const sizes = [0, 1, 511, 512, 513, 5000];
    const archive = tar(sizes.map((size) => ({ name: `f${size}.txt`, body: 'x'.repeat(size) })));
    const read = await entries(archive, chunkSize);
    expect(read.map((entry) => [entry.name, entry.size, entry.text.length])).toEqual(sizes.map((size) => [`f${size}.txt`, size, size]));
  });

  it('strips ./ prefixes and trailing slashes, and types directories and symlinks', async () => {
    const archive = tar([
      { name: './', type: 'directory' },
      { name: './data/', type: 'directory' },
      { name: './data/evaluation.json', body: '{"auc":0.9}' },
      { name: './latest', type: 'symlink', body: 'data/evaluation.json' },
    ]);
    expect(await entries(archive)).toEqual([
      { name: '', type: 'directory', size: 0, text: '' },
      { name: 'data', type: 'directory', size: 0, text: '' },
      { name: 'data/evaluation.json', type: 'file', size: 11, text: '{"auc":0.9}' },
      { name: 'latest', type: 'symlink', size: 0, text: '' },
    ]);
  });

  it.each(['gnu', 'pax'] as const)('applies %s long-name headers to the next entry and never yields them', async (longName) => {
    const archive = tar([
      { name: longPath, body: 'long', longName },
      { name: 'short.txt', body: 'short' },
    ]);
    expect((await entries(archive, 100)).map((entry) => [entry.name, entry.text])).toEqual([
      [longPath, 'long'],
      ['short.txt', 'short'],
    ]);
  });

  it('skips bodies that are left unread or read only in part', async () => {
    const archive = tar([
      { name: 'a.bin', body: Buffer.alloc(100_000, 1) },
      { name: 'b.bin', body: Buffer.alloc(70_000, 2) },
      { name: 'c.txt', body: 'third' },
    ]);
    const names: string[] = [];
    let third = '';
    for await (const entry of readTar(chunked(archive, 1000))) {
      names.push(entry.name);
      if (entry.name === 'b.bin') {
        for await (const part of entry.body) {
          expect((part as Buffer)[0]).toBe(2);
          break;
        }
      }
      if (entry.name === 'c.txt') for await (const part of entry.body) third += String(part);
    }
    expect(names).toEqual(['a.bin', 'b.bin', 'c.txt']);
    expect(third).toBe('third');
  });

  it('closes the source when the consumer stops in the middle of a body', async () => {
    const archive = tar([{ name: 'a.bin', body: Buffer.alloc(200_000, 1) }, { name: 'b.txt', body: 'x' }]);
    let closed = false;
    async function* source(): AsyncGenerator<Buffer> {
      try {
        for (let at = 0; at < archive.length; at += 4096) yield archive.subarray(at, at + 4096);
      } finally {
        closed = true;
      }
    }
    for await (const entry of readTar(source())) {
      for await (const part of entry.body) {
        expect((part as Buffer)[0]).toBe(1);
        break;
      }
      break;
    }
    expect(closed).toBe(true);
  });

  it('streams a large body chunk by chunk, byte for byte', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 3);
    for (let i = 0; i < big.length; i += 1) big[i] = (i * 31) & 0xff;
    const archive = tar([{ name: 'big.bin', body: big }]);
    for await (const entry of readTar(chunked(archive, 65536))) {
      const hash = createHash('sha256');
      let largest = 0;
      for await (const part of entry.body) {
        hash.update(part as Buffer);
        largest = Math.max(largest, (part as Buffer).length);
      }
      expect(hash.digest('hex')).toBe(createHash('sha256').update(big).digest('hex'));
      // The body's Readable may merge what it has buffered, but never holds the whole body.
      expect(largest).toBeLessThan(1024 * 1024);
    }
  });

  it('tolerates an archive that ends without its two zero blocks', async () => {
    expect((await entries(tar([{ name: 'a', body: 'x' }], { end: false }))).map((entry) => entry.name)).toEqual(['a']);
  });

  it('reads nothing from an empty stream', async () => {
    expect(await entries(Buffer.alloc(0))).toEqual([]);
  });

  it('throws TarFormatError for bytes that are not tar', async () => {
    await expect(entries(Buffer.from('label,tenure\n1,2\n'.repeat(100)))).rejects.toThrow(TarFormatError);
    await expect(entries(Buffer.from('label,tenure\n1,2\n'.repeat(100)))).rejects.toThrow(/bad header checksum at offset 0/);
  });

  it('throws TarFormatError for an archive cut mid-entry', async () => {
    const archive = tar([{ name: 'a.csv', body: 'x'.repeat(2000) }]);
    await expect(entries(archive.subarray(0, 1200))).rejects.toThrow(/truncated at offset 1200/);
  });

  it('throws TarFormatError when a header is corrupted', async () => {
    const archive = tar([{ name: 'a', body: 'x' }, { name: 'b', body: 'y' }]);
    archive[1024 + 3] = 0x41; // second header's name
    await expect(entries(archive)).rejects.toThrow(/bad header checksum at offset 1024/);
  });
});

describe('findMember', () => {
  const archive = tar([
    { name: './', type: 'directory' },
    { name: './evaluation.json', body: '{"metrics":{"auc":0.91}}' },
    { name: './nested/predictions.csv', body: 'prediction\n0.1\n' },
    { name: './other/predictions.csv', body: 'prediction\n0.9\n' },
  ]);

  it.each([
    ['evaluation.json', '{"metrics":{"auc":0.91}}'],
    ['./evaluation.json', '{"metrics":{"auc":0.91}}'],
    ['predictions.csv', 'prediction\n0.1\n'],
    ['other/predictions.csv', 'prediction\n0.9\n'],
    ['./other/predictions.csv', 'prediction\n0.9\n'],
  ])('finds %s by path or basename (first match wins)', async (name, text) => {
    expect((await findMember(chunked(archive, 300), name)).toString()).toBe(text);
  });

  it('throws TarMemberNotFoundError listing the first 20 files and counting the rest', async () => {
    const many: TarInput[] = [{ name: 'dir/', type: 'directory' }, ...Array.from({ length: 25 }, (_, i) => ({ name: `dir/f${i}.txt`, body: 'x' }))];
    const error = await findMember(chunked(tar(many), 512), 'evaluation.json').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TarMemberNotFoundError);
    expect(error).toMatchObject({ name: 'TarMemberNotFoundError', member: 'evaluation.json', totalMembers: 25 });
    expect((error as TarMemberNotFoundError).members).toEqual(Array.from({ length: 20 }, (_, i) => `dir/f${i}.txt`));
    expect((error as Error).message).toBe(`no member "evaluation.json" in the archive; it holds ${Array.from({ length: 20 }, (_, i) => `dir/f${i}.txt`).join(', ')} and 5 more`);
  });

  it('says so when the archive is empty', async () => {
    await expect(findMember(chunked(tar([]), 512), 'x')).rejects.toThrow('no member "x" in the archive; the archive is empty');
  });

  it('does not match directories or symlinks', async () => {
    const links = tar([
      { name: 'evaluation.json/', type: 'directory' },
      { name: 'x/evaluation.json', type: 'symlink', body: '../y' },
    ]);
    await expect(findMember(chunked(links, 512), 'evaluation.json')).rejects.toThrow(TarMemberNotFoundError);
  });

  it('throws TarMemberTooLargeError above the limit, before reading the body', async () => {
    await expect(findMember(chunked(archive, 512), 'evaluation.json', { maxBytes: 10 })).rejects.toEqual(new TarMemberTooLargeError('evaluation.json', 24, 10));
  });

  it('stops reading the stream once the member is found', async () => {
    let pulled = 0;
    let closed = false;
    const big = tar([{ name: 'evaluation.json', body: '{}' }, ...Array.from({ length: 50 }, (_, i) => ({ name: `pad${i}`, body: Buffer.alloc(10_000) }))]);
    async function* source(): AsyncGenerator<Buffer> {
      try {
        for (let at = 0; at < big.length; at += 512) {
          pulled += 1;
          yield big.subarray(at, at + 512);
        }
      } finally {
        closed = true;
      }
    }
    expect((await findMember(source(), 'evaluation.json')).toString()).toBe('{}');
    expect(pulled).toBeLessThan(5);
    expect(closed).toBe(true);
  });
});

describe('readTar on archives written by GNU tar', () => {
  it.each(['gnu', 'pax', 'ustar', 'v7'])('reads --format=%s with ./ prefixes and long names', async (format) => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-tar-'));
    try {
      const source = join(dir, 'data');
      // ustar splits long paths into prefix + name; v7 has no long names at all.
      const nested = format === 'v7' ? 'nested/predictions.csv' : format === 'ustar' ? `${'n'.repeat(60)}/${'m'.repeat(60)}/predictions.csv` : longPath.replace('evaluation.json', 'predictions.csv');
      mkdirSync(join(source, nested, '..'), { recursive: true });
      writeFileSync(join(source, 'evaluation.json'), '{"metrics":{"auc":0.91}}');
      writeFileSync(join(source, nested), 'prediction\n0.25\n');
      const archive = gunzipSync(execFileSync('tar', [`--format=${format}`, '--sort=name', '-czf', '-', '-C', source, '.']));

      const files = (await entries(archive, 777)).filter((entry) => entry.type === 'file');
      expect(files.map((entry) => [entry.name, entry.text])).toEqual(
        [
          ['evaluation.json', '{"metrics":{"auc":0.91}}'],
          [nested, 'prediction\n0.25\n'],
        ].sort(([a], [b]) => (a! < b! ? -1 : 1)),
      );
      expect((await findMember(chunked(archive, 512), 'predictions.csv')).toString()).toBe('prediction\n0.25\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('normalizeName', () => {
  it.each([
    ['./a/b.txt', 'a/b.txt'],
    ['././a/', 'a'],
    ['./', ''],
    ['.', ''],
    ['a/./b', 'a/./b'],
  ])('%s → %s', (input, output) => {
    expect(normalizeName(input)).toBe(output);
  });
});
