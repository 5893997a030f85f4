import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Cloud } from '../../lib/constants';

/*
 * One synthesis per spec for every suite that reads synthesized output: results are kept in
 * memory for the test file and on disk across files, jest workers and runs, under a key that
 * hashes everything a synthesis depends on: the resolved spec, the clouds, whether the gates ran,
 * the source trees the stacks are built from, the lockfile and the engine settings. A change to
 * any of them is a different key; nothing is ever invalidated by time.
 *
 * An entry names the clouds it was synthesized for, and its key covers only their construct
 * folders (beside lib/ and stacks/, which every cloud is built from): after an edit under
 * constructs/gcp/ the AWS and Azure entries still hold. That is sound because no cloud's
 * constructs import another's, and no stack imports another cloud's constructs (biome.json's
 * layering rules refuse both).
 *
 * BLUEPRINT_SYNTH_CACHE=off keeps only the in-memory cache (every run synthesizes afresh).
 */

const ROOT = path.join(__dirname, '..', '..');
/** Trees every cloud's synthesis is built from. */
const COMMON_SOURCES = ['lib', 'stacks'];
/** Each cloud's own constructs: only that cloud's syntheses read them. */
const CLOUD_SOURCES: Readonly<Record<Cloud, string>> = {
  aws: 'constructs/aws',
  gcp: 'constructs/gcp',
  azure: 'constructs/azure',
};
const ALL_CLOUDS = Object.keys(CLOUD_SOURCES) as Cloud[];
/** Settings every synthesis reads besides the sources. */
const SETTINGS = ['package.json', 'package-lock.json', 'cdk.json', 'cdktf.json', 'cdk.context.json'];
/** Where entries live: beside the installed packages, so a fresh clone starts cold. */
export const SYNTH_CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'scaling-blueprint', 'synth');
/** A lock older than this belongs to a run that died; its entry is built again. */
const STALE_LOCK_MS = 10 * 60_000;

const memory = new Map<string, unknown>();
const treeHashes = new Map<string, string>();

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') || f.endsWith('.json'))
    .map((f) => path.join(dir, f))
    .sort();
}

/**
 * Hash of what a synthesis of `clouds` under `root` reads: lib/, stacks/, those clouds' construct
 * folders (any other file under constructs/ counts for every cloud), the lockfile, the engine
 * settings and the BLUEPRINT_* environment.
 */
export function treeHash(root: string, clouds: readonly Cloud[], env: NodeJS.ProcessEnv = process.env): string {
  const own = new Set(clouds.map((c) => CLOUD_SOURCES[c]));
  const others = ALL_CLOUDS.map((c) => CLOUD_SOURCES[c]).filter((d) => !own.has(d));
  const constructs = filesUnder(path.join(root, 'constructs')).filter(
    (f) => !others.some((d) => f.startsWith(path.join(root, d) + path.sep)),
  );
  const hash = createHash('sha256');
  const files = [
    ...COMMON_SOURCES.flatMap((d) => filesUnder(path.join(root, d))),
    ...constructs,
    ...SETTINGS.map((f) => path.join(root, f)),
  ];
  for (const file of files) {
    hash.update(path.relative(root, file));
    hash.update(fs.existsSync(file) ? fs.readFileSync(file) : '(absent)');
  }
  const blueprintEnv = Object.entries(env)
    .filter(([k]) => k.startsWith('BLUEPRINT_') && k !== 'BLUEPRINT_SYNTH_CACHE')
    .sort(([a], [b]) => a.localeCompare(b));
  hash.update(JSON.stringify(blueprintEnv));
  return hash.digest('hex');
}

/** treeHash of this repository for `clouds` (all of them unless named), once per process. */
export function sourceTreeHash(clouds: readonly Cloud[] = ALL_CLOUDS): string {
  const id = [...new Set(clouds)].sort().join(',');
  let hash = treeHashes.get(id);
  if (!hash) {
    hash = treeHash(ROOT, clouds);
    treeHashes.set(id, hash);
  }
  return hash;
}

/** The cache key of one synthesis: its description (plain data) and the trees of the clouds it built. */
export function cacheKey(what: unknown, clouds: readonly Cloud[] = ALL_CLOUDS): string {
  return createHash('sha256').update(sourceTreeHash(clouds)).update(JSON.stringify(what)).digest('hex').slice(0, 32);
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** An entry's content, or undefined when there is none; a hit marks the entry used now (pruneSynthCache keeps it). */
function readEntry<T>(file: string): T | undefined {
  try {
    const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as T;
    const now = new Date();
    fs.utimesSync(file, now, now);
    return entry;
  } catch {
    return undefined;
  }
}

/**
 * The result of `make()` for `what`: from memory, from disk, or made now and stored. `clouds`
 * are the clouds whose constructs `make` synthesizes (all unless named). While another jest
 * worker makes the same entry, this one waits for it instead of making it twice.
 */
export function cached<T>(what: unknown, make: () => T, clouds: readonly Cloud[] = ALL_CLOUDS): T {
  const key = cacheKey(what, clouds);
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
