import * as fs from 'node:fs';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';

/*
 * The code cache's file format (lib/compile-cache.ts): one pack per kind of thread, holding the
 * V8 code of every module that thread compiled. One file instead of one per module: writing
 * ~750 small files took ~0.5 s on this machine (its file system's metadata operations), which a
 * first run paid on top of compiling; one pack of the same 10-20 MB takes a few tens of ms.
 *
 * Layout: MAGIC, the index's byte length (u32), the entry count (u32), then per entry the file
 * name's length (u16), the name, the contents hash (20 bytes), the data's offset from the end of
 * the index (u32) and its length (u32); then the data. Only the index is read when a thread
 * starts; each module's data is read when that module loads, so nothing stays in memory.
 */

const MAGIC = Buffer.from('BPCP1');
const HEADER = MAGIC.length + 8;
const HASH_BYTES = 20;

/** One module's place in a pack. */
interface Slot {
  readonly hash: Buffer;
  readonly offset: number;
  readonly length: number;
}

/** An entry to write: a module's contents hash and its code. */
export interface NewEntry {
  readonly hash: Buffer;
  readonly data: Buffer;
}

/** A pack opened for reading (its file stays open: a later rename by another process leaves it intact). */
export class Pack {
  /** The pack at `file`, or an empty one when it is absent, unreadable or not a pack. */
  static open(file: string): Pack {
    let fd: number | undefined;
    try {
      fd = fs.openSync(file, 'r');
      const header = Buffer.alloc(HEADER);
      if (fs.readSync(fd, header, 0, HEADER, 0) !== HEADER || !header.subarray(0, MAGIC.length).equals(MAGIC)) {
        throw new Error('not a pack');
      }
      const indexBytes = header.readUInt32BE(MAGIC.length);
      const count = header.readUInt32BE(MAGIC.length + 4);
      const index = Buffer.alloc(indexBytes);
      if (fs.readSync(fd, index, 0, indexBytes, HEADER) !== indexBytes) throw new Error('cut short');
      return new Pack(file, fd, HEADER + indexBytes, parseIndex(index, count));
    } catch {
      if (fd !== undefined) fs.closeSync(fd);
      return new Pack(file, undefined, 0, new Map());
    }
  }

  private constructor(
    readonly file: string,
    private fd: number | undefined,
    private readonly dataStart: number,
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
      return fs.readSync(this.fd, data, 0, slot.length, this.dataStart + slot.offset) === slot.length
        ? data
        : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Writes this pack again with `added` (replacing entries of the same files) through a
   * temporary file and a rename, so a reader sees the old pack or the new one; entries of files
   * that no longer exist are dropped. Returns the pack as written; throws on a failed write.
   */
  rewrite(added: ReadonlyMap<string, NewEntry>): Pack {
    const entries = new Map<string, NewEntry>();
    for (const [name, slot] of this.slots) {
      if (added.has(name) || !fs.existsSync(name)) continue;
      const data = this.read(name, slot.hash);
      if (data) entries.set(name, { hash: slot.hash, data });
    }
    for (const [name, entry] of added) entries.set(name, entry);
    const tmp = `${this.file}.${process.pid}-${threadId}.tmp`;
    try {
      fs.writeFileSync(tmp, serialize(entries));
      fs.renameSync(tmp, this.file);
    } catch (error) {
      fs.rmSync(tmp, { force: true });
      throw error;
    }
    this.close();
    return Pack.open(this.file);
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

function parseIndex(index: Buffer, count: number): Map<string, Slot> {
  const slots = new Map<string, Slot>();
  let at = 0;
  for (let i = 0; i < count; i++) {
    const nameLength = index.readUInt16BE(at);
    const name = index.toString('utf8', at + 2, at + 2 + nameLength);
    at += 2 + nameLength;
    const hash = Buffer.from(index.subarray(at, at + HASH_BYTES));
    slots.set(name, {
      hash,
      offset: index.readUInt32BE(at + HASH_BYTES),
      length: index.readUInt32BE(at + HASH_BYTES + 4),
    });
    at += HASH_BYTES + 8;
  }
  return slots;
}

function serialize(entries: ReadonlyMap<string, NewEntry>): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (const [name, { hash, data }] of entries) {
    const nameBytes = Buffer.from(name);
    const fields = Buffer.alloc(2);
    fields.writeUInt16BE(nameBytes.length);
    const place = Buffer.alloc(8);
    place.writeUInt32BE(offset);
    place.writeUInt32BE(data.length, 4);
    parts.push(fields, nameBytes, hash, place);
    offset += data.length;
  }
  const index = Buffer.concat(parts);
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header);
  header.writeUInt32BE(index.length, MAGIC.length);
  header.writeUInt32BE(entries.size, MAGIC.length + 4);
  return Buffer.concat([header, index, ...[...entries.values()].map((e) => e.data)]);
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
