/**
 * A streaming tar reader (POSIX ustar, GNU and pax) over an already-decompressed byte stream.
 * SageMaker packs a training job's `/opt/ml/output/data/` into `output.tar.gz` with Python's
 * tarfile (pax since Python 3.8, GNU before), so both long-name schemes must be understood.
 * Entries are read one at a time and bodies are streamed, so an archive of any size is read in
 * constant memory; only the members a caller asks for are buffered.
 */
import { Readable } from 'node:stream';

const BLOCK = 512;
/** Members read whole by `findMember`: evaluation.json and predictions.csv are far smaller. */
export const DEFAULT_MAX_MEMBER_BYTES = 64 * 1024 * 1024;
/** A pax or GNU long-name header is a few hundred bytes; anything huge is a corrupt archive. */
const MAX_META_BYTES = 1024 * 1024;
/** How many member names a not-found error lists. */
const LISTED_MEMBERS = 20;

/** The bytes are not a tar archive (bad header checksum) or the archive ends mid-entry. */
export class TarFormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TarFormatError';
  }
}

/** No regular file in the archive matches the name; `members` holds the first names it does hold. */
export class TarMemberNotFoundError extends Error {
  constructor(
    readonly member: string,
    readonly members: readonly string[],
    readonly totalMembers: number,
  ) {
    const listed = members.length === 0 ? 'the archive is empty' : `it holds ${members.join(', ')}${totalMembers > members.length ? ` and ${totalMembers - members.length} more` : ''}`;
    super(`no member "${member}" in the archive; ${listed}`);
    this.name = 'TarMemberNotFoundError';
  }
}

/** The member exists but is larger than the caller is willing to hold in memory. */
export class TarMemberTooLargeError extends Error {
  constructor(
    readonly member: string,
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`member "${member}" is ${size} bytes, above the limit of ${maxBytes}`);
    this.name = 'TarMemberTooLargeError';
  }
}

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** The path inside the archive, without leading `./` and without a directory's trailing `/`. */
  readonly name: string;
  readonly type: TarEntryType;
  readonly size: number;
  /**
   * The entry's bytes. Read it before asking for the next entry, or not at all: the reader skips
   * whatever is left unread, and the body is destroyed once the next entry is requested.
   */
  readonly body: Readable;
}

/**
 * The archive's entries, in order. Meta entries (pax `x`/`g` headers, GNU `././@LongLink`) are
 * applied to the entry they describe and never yielded.
 * @throws TarFormatError
 */
export async function* readTar(stream: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(stream);
  let current: { readonly body: Readable; readonly state: BodyState } | undefined;
  try {
    let pending: PendingNames = {};
    for (;;) {
      const header = await reader.readBlock();
      if (header === undefined) return; // ended without the two zero blocks: tolerated, as GNU tar does
      if (isZeroBlock(header)) return; // end-of-archive marker; what follows is padding
      const parsed = parseHeader(header, reader.position - BLOCK);
      const padded = Math.ceil(parsed.size / BLOCK) * BLOCK;

      if (parsed.typeflag === 'L' || parsed.typeflag === 'K' || parsed.typeflag === 'x' || parsed.typeflag === 'g') {
        if (parsed.size > MAX_META_BYTES) throw new TarFormatError(`a ${parsed.typeflag} header of ${parsed.size} bytes at offset ${reader.position - BLOCK} is implausibly large`);
        const data = await reader.readExact(parsed.size);
        await reader.skip(padded - parsed.size);
        if (parsed.typeflag === 'L') pending = { ...pending, gnuName: cString(data) };
        else if (parsed.typeflag === 'x') pending = { ...pending, ...paxNames(data) };
        // 'K' (long link target) and 'g' (global pax defaults) carry nothing we use.
        continue;
      }

      const size = pending.paxSize ?? parsed.size;
      const name = normalizeName(pending.paxPath ?? pending.gnuName ?? parsed.name);
      pending = {};
      const type = entryType(parsed.typeflag, name, parsed.rawName);
      // Links and directories have no body even if a writer filled the size field.
      const bodySize = type === 'file' || type === 'other' ? size : 0;
      const state: BodyState = { remaining: bodySize, inFlight: undefined };
      const body = Readable.from(bodyChunks(reader, state), { objectMode: false });
      current = { body, state };
      yield { name, type, size: bodySize, body };

      current = undefined;
      body.destroy();
      await state.inFlight;
      await reader.skip(state.remaining + (Math.ceil(bodySize / BLOCK) * BLOCK - bodySize));
    }
  } finally {
    // A consumer that stops early may leave a body mid-read: settle it before closing the source.
    if (current !== undefined) {
      current.body.destroy();
      await current.state.inFlight?.catch(() => undefined);
    }
    await reader.close();
  }
}

/**
 * The first regular file whose path or basename equals `name` (a leading `./` on either side is
 * ignored), read into memory. Stops reading the stream as soon as it is found.
 * @throws TarMemberNotFoundError, TarMemberTooLargeError, TarFormatError
 */
export async function findMember(stream: AsyncIterable<Buffer | Uint8Array | string>, name: string, options: { readonly maxBytes?: number } = {}): Promise<Buffer> {
  const wanted = normalizeName(name);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MEMBER_BYTES;
  const seen: string[] = [];
  let total = 0;
  for await (const entry of readTar(stream)) {
    if (entry.type === 'directory') continue;
    total += 1;
    if (seen.length < LISTED_MEMBERS) seen.push(entry.name);
    if (entry.type !== 'file' || (entry.name !== wanted && basename(entry.name) !== wanted)) continue;
    if (entry.size > maxBytes) throw new TarMemberTooLargeError(entry.name, entry.size, maxBytes);
    const chunks: Buffer[] = [];
    for await (const chunk of entry.body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  throw new TarMemberNotFoundError(wanted, seen, total);
}

interface PendingNames {
  readonly gnuName?: string;
  readonly paxPath?: string;
  readonly paxSize?: number;
}

interface BodyState {
  remaining: number;
  inFlight: Promise<unknown> | undefined;
}

async function* bodyChunks(reader: ByteReader, state: BodyState): AsyncGenerator<Buffer> {
  while (state.remaining > 0) {
    // The decrement happens inside the awaited promise, so readTar, awaiting `inFlight` before
    // skipping, always sees an up-to-date `remaining` even when a consumer abandons the body.
    const next = reader.readUpTo(state.remaining).then((chunk) => {
      state.remaining -= chunk.length;
      return chunk;
    });
    state.inFlight = next;
    const chunk = await next;
    state.inFlight = undefined;
    yield chunk;
  }
}

interface Header {
  readonly name: string;
  /** The header's name field alone (a trailing `/` marks an old-style directory). */
  readonly rawName: string;
  readonly size: number;
  readonly typeflag: string;
}

function parseHeader(block: Buffer, offset: number): Header {
  const stored = parseOctal(block.subarray(148, 156));
  if (stored === undefined || !checksumMatches(block, stored)) {
    throw new TarFormatError(`not a tar archive: bad header checksum at offset ${offset}`);
  }
  const rawName = cString(block.subarray(0, 100));
  const magic = block.toString('latin1', 257, 263);
  // In ustar the prefix field extends the name; GNU ("ustar  ") uses those bytes for other fields.
  const prefix = magic === 'ustar\0' ? cString(block.subarray(345, 500)) : '';
  const size = parseNumeric(block.subarray(124, 136));
  if (size === undefined) throw new TarFormatError(`bad size field in the header at offset ${offset}`);
  const flagByte = block[156] ?? 0;
  return { name: prefix ? `${prefix}/${rawName}` : rawName, rawName, size, typeflag: flagByte === 0 ? '0' : String.fromCharCode(flagByte) };
}

function checksumMatches(block: Buffer, stored: number): boolean {
  // The checksum is the byte sum with its own field read as spaces; some old writers summed
  // signed bytes, so both sums are accepted.
  let unsigned = 8 * 0x20;
  let signed = 8 * 0x20;
  for (let i = 0; i < BLOCK; i += 1) {
    if (i >= 148 && i < 156) continue;
    const byte = block[i] ?? 0;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

function parseNumeric(field: Buffer): number | undefined {
  // GNU base-256 for sizes of 8 GiB and more: the high bit of the first byte is set.
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i += 1) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  return parseOctal(field);
}

function parseOctal(field: Buffer): number | undefined {
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return undefined;
  return parseInt(text, 8);
}

function paxNames(data: Buffer): PendingNames {
  // Records are "<length> <key>=<value>\n", the length counting the whole record in bytes.
  const names: { paxPath?: string; paxSize?: number } = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = parseInt(data.toString('latin1', at, space), 10);
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) throw new TarFormatError('malformed pax extended header');
    const record = data.toString('utf8', space + 1, at + length - 1);
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') names.paxPath = value;
    else if (key === 'size' && /^\d+$/.test(value)) names.paxSize = Number(value);
    at += length;
  }
  return names;
}

function entryType(typeflag: string, name: string, rawName: string): TarEntryType {
  if (typeflag === '5') return 'directory';
  if (typeflag === '2') return 'symlink';
  if (typeflag === '1') return 'hardlink';
  if (typeflag === '0' || typeflag === '7') return rawName.endsWith('/') || name === '' ? 'directory' : 'file';
  return 'other';
}

/** `./a/b/` → `a/b`; `./` → `` (the archive root). */
export function normalizeName(name: string): string {
  let normalized = name;
  while (normalized.startsWith('./')) normalized = normalized.slice(2);
  if (normalized === '.') return '';
  return normalized.replace(/\/+$/, '');
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.toString('utf8', 0, end < 0 ? bytes.length : end);
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i += 1) if (block[i] !== 0) return false;
  return true;
}

/** Pulls exact byte counts out of a chunked stream, holding at most one chunk. */
class ByteReader {
  private readonly iterator: AsyncIterator<Buffer | Uint8Array | string>;
  private buffered: Buffer = Buffer.alloc(0);
  private done = false;
  /** Bytes consumed so far, for error messages. */
  position = 0;

  constructor(stream: AsyncIterable<Buffer | Uint8Array | string>) {
    this.iterator = stream[Symbol.asyncIterator]();
  }

  /** The next 512-byte block, or undefined at a clean end of stream. */
  async readBlock(): Promise<Buffer | undefined> {
    if (!(await this.fill())) return undefined;
    return this.readExact(BLOCK);
  }

  async readExact(size: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let wanted = size;
    while (wanted > 0) {
      const chunk = await this.readUpTo(wanted);
      parts.push(chunk);
      wanted -= chunk.length;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
  }

  /** Between 1 and `max` bytes. @throws TarFormatError at the end of the stream */
  async readUpTo(max: number): Promise<Buffer> {
    if (!(await this.fill())) throw new TarFormatError(`the archive is truncated at offset ${this.position}`);
    const chunk = this.buffered.subarray(0, max);
    this.buffered = this.buffered.subarray(chunk.length);
    this.position += chunk.length;
    return chunk;
  }

  async skip(size: number): Promise<void> {
    let left = size;
    while (left > 0) left -= (await this.readUpTo(left)).length;
  }

  async close(): Promise<void> {
    // Ends the source early (e.g. after findMember's hit), so an S3 socket is not left open.
    if (!this.done) await this.iterator.return?.();
    this.done = true;
  }

  private async fill(): Promise<boolean> {
    while (this.buffered.length === 0) {
      if (this.done) return false;
      const next = await this.iterator.next();
      if (next.done === true) {
        this.done = true;
        return false;
      }
      const value = next.value;
      this.buffered = typeof value === 'string' ? Buffer.from(value, 'latin1') : Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
    return true;
  }
}
