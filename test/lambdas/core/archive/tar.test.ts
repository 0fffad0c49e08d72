import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_MEMBER_BYTES, findMember, normalizeName, readTar, TarFormatError, TarMemberNotFoundError, TarMemberTooLargeError } from '../../../../lambdas/core/archive/tar';
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
    ['a//', 'a'],
  ])('%s → %s', (input, output) => {
    expect(normalizeName(input)).toBe(output);
  });
});

/** One header block written field by field, for the header variants the test writer cannot produce. */
interface RawHeader {
  readonly name?: string;
  readonly size?: number;
  /** The 12 bytes of the size field as written, instead of `size` in octal. */
  readonly sizeField?: Buffer;
  /** A character, or a byte (0 for the typeflag of pre-POSIX writers). @default '0' */
  readonly typeflag?: string | number;
  /** @default 'ustar\0' followed by version '00' */
  readonly magic?: string;
  /** Bytes 345..500: the ustar prefix, or GNU's atime/ctime fields. */
  readonly prefix?: string;
  /** How the writer summed the header: old writers summed signed bytes. @default 'unsigned' */
  readonly checksum?: 'unsigned' | 'signed';
}

function rawHeader(h: RawHeader): Buffer {
  const block = Buffer.alloc(512);
  Buffer.from(h.name ?? 'a.txt').copy(block, 0, 0, 100);
  block.write('0000644\0', 100, 'latin1');
  block.write('0000000\0', 108, 'latin1');
  block.write('0000000\0', 116, 'latin1');
  (h.sizeField ?? Buffer.from(`${(h.size ?? 0).toString(8).padStart(11, '0')}\0`, 'latin1')).copy(block, 124, 0, 12);
  block.write('15124066000\0', 136, 'latin1');
  if (typeof h.typeflag === 'number') block[156] = h.typeflag;
  else block.write(h.typeflag ?? '0', 156, 'latin1');
  block.write(h.magic ?? 'ustar\x0000', 257, 'latin1');
  block.write(h.prefix ?? '', 345, 155, 'latin1');
  block.write('        ', 148, 'latin1');
  let sum = 0;
  for (const byte of block) sum += h.checksum === 'signed' && byte > 127 ? byte - 256 : byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

const pad = (body: Buffer | string): Buffer => {
  const bytes = Buffer.from(body);
  return Buffer.concat([bytes, Buffer.alloc(Math.ceil(bytes.length / 512) * 512 - bytes.length)]);
};
const endOfArchive = Buffer.alloc(1024);
const file = (name: string, body: string): Buffer => Buffer.concat([rawHeader({ name, size: Buffer.byteLength(body) }), pad(body)]);

function paxData(records: readonly [string, string][]): Buffer {
  return Buffer.concat(
    records.map(([key, value]) => {
      const rest = ` ${key}=${value}\n`;
      let length = Buffer.byteLength(rest) + 1;
      while (String(length).length + Buffer.byteLength(rest) !== length) length = String(length).length + Buffer.byteLength(rest);
      return Buffer.from(`${length}${rest}`);
    }),
  );
}
const meta = (typeflag: string, data: Buffer): Buffer => Buffer.concat([rawHeader({ name: 'PaxHeader', typeflag, size: data.length }), pad(data)]);

describe('readTar on hand-written headers', () => {
  it.each([
    ['a v7 file (NUL typeflag)', rawHeader({ name: 'old.txt', typeflag: 0 }), { name: 'old.txt', type: 'file' }],
    ['a contiguous file (typeflag 7)', rawHeader({ name: 'c.bin', typeflag: '7' }), { name: 'c.bin', type: 'file' }],
    ['an old-style directory (typeflag 0, trailing /)', rawHeader({ name: 'old-dir/' }), { name: 'old-dir', type: 'directory' }],
    ['the archive root written as "."', rawHeader({ name: '.' }), { name: '', type: 'directory' }],
    ['an absolute file name', rawHeader({ name: '/abs/x.txt' }), { name: '/abs/x.txt', type: 'file' }],
    ['a hard link', rawHeader({ name: 'h.txt', typeflag: '1' }), { name: 'h.txt', type: 'hardlink' }],
    ['a FIFO', rawHeader({ name: 'pipe', typeflag: '6' }), { name: 'pipe', type: 'other' }],
    ['a name filling all 100 bytes', rawHeader({ name: 'n'.repeat(100) }), { name: 'n'.repeat(100), type: 'file' }],
    ['a ustar prefix', rawHeader({ name: 'x.txt', prefix: 'pre/fix' }), { name: 'pre/fix/x.txt', type: 'file' }],
    ['GNU fields where ustar has its prefix', rawHeader({ name: 'x.txt', magic: 'ustar  \0', prefix: '15124066000' }), { name: 'x.txt', type: 'file' }],
  ])('types %s', async (_, header, expected) => {
    expect(await entries(Buffer.concat([header, endOfArchive]))).toEqual([{ ...expected, size: 0, text: '' }]);
  });

  it.each([
    ['a hard link', '1', 'hardlink'],
    ['a directory', '5', 'directory'],
    ['a symlink', '2', 'symlink'],
  ])('gives %s no body even when its size field is filled, and reads on', async (_, typeflag, type) => {
    const archive = Buffer.concat([rawHeader({ name: 'link', typeflag, size: 700 }), file('next.txt', 'next'), endOfArchive]);
    expect(await entries(archive)).toEqual([
      { name: 'link', type, size: 0, text: '' },
      { name: 'next.txt', type: 'file', size: 4, text: 'next' },
    ]);
  });

  it('yields the body of an entry of another type, and reads on', async () => {
    const archive = Buffer.concat([rawHeader({ name: 'sparse', typeflag: 'S', size: 3 }), pad('abc'), file('next.txt', 'next'), endOfArchive]);
    expect(await entries(archive)).toEqual([
      { name: 'sparse', type: 'other', size: 3, text: 'abc' },
      { name: 'next.txt', type: 'file', size: 4, text: 'next' },
    ]);
  });

  it.each([
    ['an unsigned byte sum', 'unsigned'],
    ['a signed byte sum, as old writers computed it', 'signed'],
  ] as const)('accepts a header checksum that is %s', async (_, checksum) => {
    const name = 'caf\u00e9\u007f.txt';
    const archive = Buffer.concat([rawHeader({ name, size: 2, checksum }), pad('ok'), endOfArchive]);
    expect(await entries(archive)).toEqual([{ name, type: 'file', size: 2, text: 'ok' }]);
  });

  it.each([
    ['space-padded octal', Buffer.from('         12 ', 'latin1'), 10],
    ['an empty field', Buffer.alloc(12), 0],
    ['GNU base-256', Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x05]), 261],
  ])('reads a size field in %s', async (_, sizeField, size) => {
    const archive = Buffer.concat([rawHeader({ name: 'f.bin', sizeField }), pad('z'.repeat(size)), endOfArchive]);
    expect(await entries(archive)).toEqual([{ name: 'f.bin', type: 'file', size, text: 'z'.repeat(size) }]);
  });

  it('reads a base-256 size beyond what the octal field can hold', async () => {
    const sizeField = Buffer.concat([Buffer.from([0x81]), Buffer.alloc(11)]);
    for await (const entry of readTar(chunked(Buffer.concat([rawHeader({ name: 'huge.bin', sizeField }), endOfArchive]), 512))) {
      expect(entry.size).toBe(2 ** 88);
      break;
    }
  });

  it.each([
    ['a non-octal digit', '0000000009\0\0'],
    ['trailing garbage', '000000012x\0\0'],
    ['leading garbage', 'x00000000012'],
  ])('throws TarFormatError for a size field with %s', async (_, sizeField) => {
    const archive = Buffer.concat([file('first', 'x'), rawHeader({ name: 'f.bin', sizeField: Buffer.from(sizeField, 'latin1') }), endOfArchive]);
    await expect(entries(archive)).rejects.toThrow(new TarFormatError('bad size field in the header at offset 1024'));
  });

  it('throws TarFormatError for a checksum field that is not a number', async () => {
    const header = rawHeader({ name: 'a.txt' });
    header.write('zzzzzz\0 ', 148, 'latin1');
    await expect(entries(Buffer.concat([header, endOfArchive]))).rejects.toThrow('not a tar archive: bad header checksum at offset 0');
  });

  it('takes size from a pax header and ignores its other numeric keys', async () => {
    const pax = paxData([
      ['size', '12'],
      ['mtime', '1767225600'],
      ['uid', '0'],
    ]);
    const archive = Buffer.concat([meta('x', pax), rawHeader({ name: 'p.txt', size: 0 }), pad('twelve bytes'), endOfArchive]);
    expect(await entries(archive)).toEqual([{ name: 'p.txt', type: 'file', size: 12, text: 'twelve bytes' }]);
  });

  it.each(['12x', 'x12', ''])('keeps the header size when a pax size is %j', async (value) => {
    const archive = Buffer.concat([meta('x', paxData([['size', value]])), file('p.txt', 'abc'), endOfArchive]);
    expect(await entries(archive)).toEqual([{ name: 'p.txt', type: 'file', size: 3, text: 'abc' }]);
  });

  it('tolerates bytes after the last pax record that hold no record', async () => {
    const archive = Buffer.concat([meta('x', Buffer.concat([paxData([['path', 'long/name.txt']]), Buffer.from('\n\n')])), file('n', 'abc'), endOfArchive]);
    expect((await entries(archive)).map((entry) => entry.name)).toEqual(['long/name.txt']);
  });

  it.each([
    ['a length that is not a number', 'ab path=x\n'],
    ['a record that starts with its space', ' path=x\n'],
    ['a zero length', '0 path=x\n'],
    ['a negative length', '-9 path=x\n'],
    ['a length past the end of the header', '99 path=x\n'],
    ['a second record past the end', '11 path=xy\n99 path=x\n'],
  ])('throws TarFormatError for a pax header with %s', async (_, records) => {
    const archive = Buffer.concat([meta('x', Buffer.from(records)), file('n', 'abc'), endOfArchive]);
    await expect(entries(archive)).rejects.toThrow(new TarFormatError('malformed pax extended header'));
  });

  it.each([
    ['a GNU long link target (K)', meta('K', Buffer.from('some/target\0'))],
    ['pax global defaults (g), whose path applies to no entry', meta('g', paxData([['path', 'global.txt']]))],
  ])('never yields %s', async (_, header) => {
    const archive = Buffer.concat([header, file('a.txt', 'abc'), endOfArchive]);
    expect(await entries(archive)).toEqual([{ name: 'a.txt', type: 'file', size: 3, text: 'abc' }]);
  });

  it('accepts a meta header of 1 MiB and refuses one byte more', async () => {
    const limit = 1024 * 1024;
    const comment = paxData([['comment', 'c'.repeat(limit - 17)]]);
    expect(comment.length).toBe(limit);
    expect((await entries(Buffer.concat([meta('x', comment), file('a.txt', 'abc'), endOfArchive]))).map((entry) => entry.name)).toEqual(['a.txt']);

    const tooLarge = Buffer.concat([file('first', 'x'), rawHeader({ name: 'PaxHeader', typeflag: 'x', size: limit + 1 }), endOfArchive]);
    await expect(entries(tooLarge)).rejects.toThrow(new TarFormatError(`a x header of ${limit + 1} bytes at offset 1024 is implausibly large`));
  });
});

describe('readTar sources and bodies', () => {
  it.each([
    ['latin1 strings', (bytes: Buffer) => [bytes.toString('latin1')]],
    [
      'Uint8Array views into a larger buffer',
      (bytes: Buffer) => {
        const larger = Buffer.concat([Buffer.from('junk'), bytes]);
        return [new Uint8Array(larger.buffer, larger.byteOffset + 4, bytes.length)];
      },
    ],
  ])('reads chunks that are %s', async (_, toChunks) => {
    const archive = tar([{ name: 'b.bin', body: Buffer.from([0xe9, 0xff, 0x00, 0x41]) }]);
    async function* source(): AsyncGenerator<string | Uint8Array> {
      yield* toChunks(archive);
    }
    const bodies: Buffer[] = [];
    for await (const entry of readTar(source())) for await (const part of entry.body) bodies.push(part as Buffer);
    expect(Buffer.concat(bodies)).toEqual(Buffer.from([0xe9, 0xff, 0x00, 0x41]));
  });

  it('hands out each body as a byte stream, so read(n) returns n bytes', async () => {
    for await (const entry of readTar(chunked(tar([{ name: 'a.txt', body: 'hello world' }]), 4096))) {
      await once(entry.body, 'readable');
      expect(String(entry.body.read(5))).toBe('hello');
      break;
    }
  });

  it('destroys the current body when the consumer stops without reading it', async () => {
    const bodies: Readable[] = [];
    for await (const entry of readTar(chunked(tar([{ name: 'a.txt', body: 'abc' }, { name: 'b.txt', body: 'def' }]), 4096))) {
      bodies.push(entry.body);
      break;
    }
    expect(bodies.map((body) => body.destroyed)).toEqual([true]);
  });

  it('ends a source early only when it has not ended, and copes with one that cannot be ended', async () => {
    // No end-of-archive blocks, so the whole read runs the source to its end.
    const archive = tar([{ name: 'evaluation.json', body: '{}' }, { name: 'pad', body: 'x'.repeat(2000) }], { end: false });
    const source = (withReturn: boolean) => {
      const calls = { next: 0, return: 0 };
      const iterable: AsyncIterable<Buffer> = {
        [Symbol.asyncIterator]: () => {
          let at = 0;
          const iterator: AsyncIterator<Buffer> = {
            next: async () => {
              calls.next += 1;
              if (at >= archive.length) return { done: true, value: undefined };
              at += 512;
              return { done: false, value: archive.subarray(at - 512, at) };
            },
          };
          if (withReturn) iterator.return = async () => ((calls.return += 1), { done: true, value: undefined });
          return iterator;
        },
      };
      return { iterable, calls };
    };
    const whole = source(true);
    const names: string[] = [];
    for await (const entry of readTar(whole.iterable)) names.push(entry.name);
    expect(names).toEqual(['evaluation.json', 'pad']);
    expect(whole.calls.return).toBe(0);

    const early = source(true);
    expect((await findMember(early.iterable, 'evaluation.json')).toString()).toBe('{}');
    expect(early.calls.return).toBe(1);

    const cannot = source(false);
    expect((await findMember(cannot.iterable, 'evaluation.json')).toString()).toBe('{}');
  });
});

describe('findMember limits and messages', () => {
  it('reads a member with the default limit of 64 MiB', async () => {
    expect(DEFAULT_MAX_MEMBER_BYTES).toBe(64 * 1024 * 1024);
    const body = 'x'.repeat(100_000);
    expect((await findMember(chunked(tar([{ name: 'evaluation.json', body }]), 65536), 'evaluation.json')).toString()).toBe(body);
  });

  it('reads a member exactly at the limit and names the error when above it', async () => {
    const archive = tar([{ name: 'e.json', body: '0123456789' }]);
    expect((await findMember(chunked(archive, 512), 'e.json', { maxBytes: 10 })).toString()).toBe('0123456789');
    const error = await findMember(chunked(archive, 512), 'e.json', { maxBytes: 9 }).catch((err: unknown) => err);
    expect(error).toMatchObject({ name: 'TarMemberTooLargeError', message: 'member "e.json" is 10 bytes, above the limit of 9', member: 'e.json', size: 10, maxBytes: 9 });
  });

  it.each([
    ['two files', 2, 'it holds f0, f1'],
    ['exactly as many files as it lists', 20, `it holds ${Array.from({ length: 20 }, (_, i) => `f${i}`).join(', ')}`],
    ['one file more than it lists', 21, `it holds ${Array.from({ length: 20 }, (_, i) => `f${i}`).join(', ')} and 1 more`],
  ])('lists the members of an archive with %s when the name is missing', async (_, count, listed) => {
    const archive = tar(Array.from({ length: count }, (_, i) => ({ name: `f${i}`, body: 'x' })));
    const error = await findMember(chunked(archive, 512), 'missing.json').catch((err: unknown) => err);
    // The whole message, not a part of it: a stray "and 0 more" is the mistake to catch.
    expect((error as Error).message).toBe(`no member "missing.json" in the archive; ${listed}`);
  });

  it('names its format errors', async () => {
    const error = await findMember(chunked(Buffer.from('not a tar archive'.repeat(40)), 512), 'x').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TarFormatError);
    expect((error as Error).name).toBe('TarFormatError');
  });
});
