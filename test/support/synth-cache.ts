import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/*
 * One synthesis per spec for every suite that reads synthesized output: results are kept in
 * memory for the test file and on disk across files, jest workers and runs, under a key that
 * hashes everything a synthesis depends on: the resolved spec, the clouds, whether the gates ran,
 * the source tree the stacks are built from, the lockfile and the engine settings. A change to
 * any of them is a different key; nothing is ever invalidated by time.
 *
 * BLUEPRINT_SYNTH_CACHE=off keeps only the in-memory cache (every run synthesizes afresh).
 */

const ROOT = path.join(__dirname, '..', '..');
/** Inputs of a synthesis besides the spec: the trees the stacks are built from and their settings. */
const SOURCES = ['lib', 'constructs', 'stacks'];
const SETTINGS = ['package.json', 'package-lock.json', 'cdk.json', 'cdktf.json', 'cdk.context.json'];
/** Where entries live: beside the installed packages, so a fresh clone starts cold. */
export const SYNTH_CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'scaling-blueprint', 'synth');
/** A lock older than this belongs to a run that died; its entry is built again. */
const STALE_LOCK_MS = 10 * 60_000;

const memory = new Map<string, unknown>();
let treeHash: string | undefined;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') || f.endsWith('.json'))
    .map((f) => path.join(dir, f))
    .sort();
}

/** Hash of the source tree, the lockfile, the engine settings and the BLUEPRINT_* environment. */
export function sourceTreeHash(): string {
  if (!treeHash) {
    const hash = createHash('sha256');
    const files = [
      ...SOURCES.flatMap((d) => filesUnder(path.join(ROOT, d))),
      ...SETTINGS.map((f) => path.join(ROOT, f)),
    ];
    for (const file of files) {
      hash.update(path.relative(ROOT, file));
      hash.update(fs.existsSync(file) ? fs.readFileSync(file) : '(absent)');
    }
    const env = Object.entries(process.env)
      .filter(([k]) => k.startsWith('BLUEPRINT_') && k !== 'BLUEPRINT_SYNTH_CACHE')
      .sort(([a], [b]) => a.localeCompare(b));
    hash.update(JSON.stringify(env));
    treeHash = hash.digest('hex');
  }
  return treeHash;
}

/** The cache key of one synthesis: its description (plain data) and the source tree. */
export function cacheKey(what: unknown): string {
  return createHash('sha256').update(sourceTreeHash()).update(JSON.stringify(what)).digest('hex').slice(0, 32);
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function readEntry<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * The result of `make()` for `what`: from memory, from disk, or made now and stored. While
 * another jest worker makes the same entry, this one waits for it instead of making it twice.
 */
export function cached<T>(what: unknown, make: () => T): T {
  const key = cacheKey(what);
  if (memory.has(key)) return memory.get(key) as T;
  const result = process.env.BLUEPRINT_SYNTH_CACHE === 'off' ? make() : fromDisk(key, make);
  memory.set(key, result);
  return result;
}

function fromDisk<T>(key: string, make: () => T): T {
  fs.mkdirSync(SYNTH_CACHE_DIR, { recursive: true });
  const file = path.join(SYNTH_CACHE_DIR, `${key}.json`);
  const lock = `${file}.lock`;
  for (;;) {
    const hit = readEntry<T>(file);
    if (hit !== undefined) return hit;
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch {
      // Another worker is making it: wait, unless its lock is stale.
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age > STALE_LOCK_MS) fs.rmSync(lock, { force: true });
      else sleep(100);
      continue;
    }
    try {
      const result = make();
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(result));
      fs.renameSync(tmp, file);
      return result;
    } finally {
      fs.rmSync(lock, { force: true });
    }
  }
}
