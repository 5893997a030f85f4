import * as fs from 'node:fs';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';

/*
 * The code cache's file format (lib/compile-cache.ts): one pack per kind of thread, holding the
 * V8 code of every module that thread compiled. One file instead of one per module: writing
 * ~750 small files took ~0.5 s on this machine (its file system's metadata operations), which a
 * run paid on top of compiling; one pack of the same 10-20 MB takes a few tens of ms.
 *
 * Layout: MAGIC, the modules' data one after the other, the index, and a footer: the index's
 * byte length (u32), the entry count (u32) and MAGIC again. Per entry the index holds the file
 * name's length (u16), the name, the contents hash (20 bytes), the data's offset in the file
 * (u32) and its length (u32). The index comes last so a writer streams each module's code to
 * the file as V8 serializes it (one module's code in memory at a time, not the whole pack), and
 * a reader reads only the footer and the index when a thread starts, then each module's data
 * when that module loads.
 */

const MAGIC = Buffer.from('BPCP2');
const FOOTER = 8 + MAGIC.length;
const HASH_BYTES = 20;

/** One module's place in a pack. */
interface Slot {
  readonly hash: Buffer;
  readonly offset: number;
  readonly length: number;
}

/** An entry to write: a module's contents hash and a function that serializes its code. */
export interface NewEntry {
  readonly hash: Buffer;
  readonly code: () => Buffer;
}

/** A pack opened for reading (its file stays open: a later rename by another process leaves it intact). */
export class Pack {
  /** The pack at `file`, or an empty one when it is absent, unreadable or not a pack. */
  static open(file: string): Pack {
    let fd: number | undefined;
    try {
      fd = fs.openSync(file, 'r');
      const size = fs.fstatSync(fd).size;
      const footer = Buffer.alloc(FOOTER);
      if (size < MAGIC.length + FOOTER || fs.readSync(fd, footer, 0, FOOTER, size - FOOTER) !== FOOTER) {
        throw new Error('cut short');
      }
      if (!footer.subarray(8).equals(MAGIC)) throw new Error('not a pack');
      const indexBytes = footer.readUInt32BE(0);
      const index = Buffer.alloc(indexBytes);
      const at = size - FOOTER - indexBytes;
      if (at < MAGIC.length || fs.readSync(fd, index, 0, indexBytes, at) !== indexBytes) throw new Error('cut short');
      return new Pack(file, fd, parseIndex(index, footer.readUInt32BE(4), at));
    } catch {
      if (fd !== undefined) fs.closeSync(fd);
      return new Pack(file, undefined, new Map());
    }
  }

  private constructor(
    readonly file: string,
    private fd: number | undefined,
    private readonly slots: ReadonlyMap<string, Slot>,
  ) {}

  /** The file names this pack holds code for. */
  names(): string[] {
    return [...this.slots.keys()];
  }

  /** The code cached for `filename` if it was made from contents with this hash. */
  read(filename: string, hash: Buffer): Buffer | undefined {
    const slot = this.slots.get(filename);
    if (!slot || this.fd === undefined || !slot.hash.equals(hash)) return undefined;
    const data = Buffer.allocUnsafe(slot.length);
    try {
      return fs.readSync(this.fd, data, 0, slot.length, slot.offset) === slot.length ? data : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Writes the pack at `file` again with `added` (replacing entries of the same files) through a
   * temporary file and a rename, so a reader sees the old pack or the new one. It starts from
   * the pack as it is on disk now, not as a reader opened it: entries another process wrote
   * meanwhile are kept (only one written in the instant between this read and the rename is
   * lost, and written again by a later run). Entries of files that no longer exist are dropped.
   * Returns the pack as written; throws on a failed write.
   */
  static update(file: string, added: ReadonlyMap<string, NewEntry>): Pack {
    const current = Pack.open(file);
    const entries: Array<[string, NewEntry]> = [];
    for (const [name, slot] of current.slots) {
      if (added.has(name) || !fs.existsSync(name)) continue;
      entries.push([name, { hash: slot.hash, code: () => current.read(name, slot.hash) ?? Buffer.alloc(0) }]);
    }
    entries.push(...added);
    const tmp = `${file}.${process.pid}-${threadId}.tmp`;
    try {
      writePack(tmp, entries);
      fs.renameSync(tmp, file);
    } catch (error) {
      fs.rmSync(tmp, { force: true });
      throw error;
    } finally {
      current.close();
    }
    return Pack.open(file);
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

function parseIndex(index: Buffer, count: number, end: number): Map<string, Slot> {
  const slots = new Map<string, Slot>();
  let at = 0;
  for (let i = 0; i < count; i++) {
    const nameLength = index.readUInt16BE(at);
    const name = index.toString('utf8', at + 2, at + 2 + nameLength);
    at += 2 + nameLength;
    const hash = Buffer.from(index.subarray(at, at + HASH_BYTES));
    const offset = index.readUInt32BE(at + HASH_BYTES);
    const length = index.readUInt32BE(at + HASH_BYTES + 4);
    // An index pointing outside the data is a damaged pack: none of it is used.
    if (offset < MAGIC.length || offset + length > end) return new Map();
    slots.set(name, { hash, offset, length });
    at += HASH_BYTES + 8;
  }
  return slots;
}

/** Streams the entries' code to `file`, then the index and the footer; an entry with no code is left out. */
function writePack(file: string, entries: ReadonlyArray<readonly [string, NewEntry]>): void {
  const fd = fs.openSync(file, 'w');
  try {
    writeAll(fd, MAGIC);
    let offset = MAGIC.length;
    const index: Buffer[] = [];
    let count = 0;
    for (const [name, entry] of entries) {
      const data = entry.code();
      if (data.length === 0) continue;
      writeAll(fd, data);
      const nameBytes = Buffer.from(name);
      const head = Buffer.alloc(2);
      head.writeUInt16BE(nameBytes.length);
      const place = Buffer.alloc(8);
      place.writeUInt32BE(offset);
      place.writeUInt32BE(data.length, 4);
      index.push(head, nameBytes, entry.hash, place);
      offset += data.length;
      count++;
    }
    const indexBytes = Buffer.concat(index);
    const footer = Buffer.alloc(FOOTER);
    footer.writeUInt32BE(indexBytes.length);
    footer.writeUInt32BE(count, 4);
    MAGIC.copy(footer, 8);
    writeAll(fd, Buffer.concat([indexBytes, footer]));
  } finally {
    fs.closeSync(fd);
  }
}

function writeAll(fd: number, data: Buffer): void {
  for (let done = 0; done < data.length; ) done += fs.writeSync(fd, data, done, data.length - done);
}

/** Removes temporary files left by a process that died while writing (older than ten minutes). */
export function removeStaleTemporaries(dir: string): void {
  const cutoff = Date.now() - 10 * 60_000;
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.tmp')) continue;
    const file = path.join(dir, name);
    if ((fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) < cutoff)
      fs.rmSync(file, { force: true });
  }
}
