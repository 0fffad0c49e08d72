/**
 * A tiny tar writer for tests: ustar headers with checksums, GNU `././@LongLink` and pax `x`
 * headers for long names, directories and symlinks. Enough to build the archives SageMaker
 * uploads (`output.tar.gz`) without a tar binary.
 */
import { gzipSync } from 'node:zlib';

export interface TarInput {
  readonly name: string;
  readonly body?: string | Buffer;
  /** @default 'file' */
  readonly type?: 'file' | 'directory' | 'symlink';
  /** How a name longer than 100 bytes is stored. @default 'pax' */
  readonly longName?: 'gnu' | 'pax';
}

const BLOCK = 512;

/** The archive's bytes; `end: false` leaves out the two zero blocks that end an archive. */
export function tar(entries: readonly TarInput[], options: { readonly end?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = entry.type === 'file' || entry.type === undefined ? toBuffer(entry.body ?? '') : Buffer.alloc(0);
    const typeflag = entry.type === 'directory' ? '5' : entry.type === 'symlink' ? '2' : '0';
    let name = entry.name;
    if (Buffer.byteLength(name) > 100) {
      if (entry.longName === 'gnu') {
        const longName = Buffer.from(`${name}\0`);
        blocks.push(header({ name: '././@LongLink', size: longName.length, typeflag: 'L', gnu: true }), padded(longName));
      } else {
        const pax = paxRecord('path', name);
        blocks.push(header({ name: `PaxHeader/${name.slice(-80)}`, size: pax.length, typeflag: 'x' }), padded(pax));
      }
      name = name.slice(0, 100);
    }
    blocks.push(header({ name, size: body.length, typeflag, gnu: entry.longName === 'gnu', linkname: entry.type === 'symlink' ? String(entry.body ?? '') : '' }), padded(body));
  }
  if (options.end !== false) blocks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(blocks);
}

export function tarGz(entries: readonly TarInput[], options: { readonly end?: boolean } = {}): Buffer {
  return gzipSync(tar(entries, options));
}

function header(fields: { name: string; size: number; typeflag: string; gnu?: boolean; linkname?: string }): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(fields.name, 0, 100, 'utf8');
  block.write('0000644\0', 100, 'latin1');
  block.write('0000000\0', 108, 'latin1');
  block.write('0000000\0', 116, 'latin1');
  block.write(`${fields.size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  block.write(`${Math.floor(Date.UTC(2026, 0, 1) / 1000).toString(8).padStart(11, '0')}\0`, 136, 'latin1');
  block.write(fields.typeflag, 156, 'latin1');
  block.write(fields.linkname ?? '', 157, 100, 'utf8');
  block.write(fields.gnu ? 'ustar  \0' : 'ustar\x0000', 257, 'latin1');
  block.write('root', 265, 'latin1');
  block.write('root', 297, 'latin1');
  block.write('        ', 148, 'latin1');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function paxRecord(key: string, value: string): Buffer {
  // The length prefix counts the whole record, its own digits included.
  const rest = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(rest) + 1;
  while (String(length).length + Buffer.byteLength(rest) !== length) length = String(length).length + Buffer.byteLength(rest);
  return Buffer.from(`${length}${rest}`);
}

function padded(bytes: Buffer): Buffer {
  const size = Math.ceil(bytes.length / BLOCK) * BLOCK;
  return Buffer.concat([bytes, Buffer.alloc(size - bytes.length)]);
}

function toBuffer(body: string | Buffer): Buffer {
  return typeof body === 'string' ? Buffer.from(body) : body;
}
