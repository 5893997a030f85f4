import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Cloud } from '../../lib/constants';
import type { SYNTH_OPS, SynthOp } from './synth-ops';

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
 * A missing entry is made by the synthesis server (test/support/synth-server.js): threads of
 * jest's main process that load each engine once for the run, where each test file would load
 * it again in its own module registry. BLUEPRINT_SYNTH_SERVER=off makes entries in the test's
 * own worker instead, as BLUEPRINT_SYNTH_CACHE=off does (which also keeps only the in-memory
 * cache: every run synthesizes afresh).
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
/**
 * Test-run settings that change where an entry is made or how jest loads packages, never what it holds:
 * not in the key (an A/B run with BLUEPRINT_JEST_SHARED_PACKAGES=off must read the same entries).
 */
const RUN_SETTINGS = new Set(['BLUEPRINT_SYNTH_CACHE', 'BLUEPRINT_SYNTH_SERVER', 'BLUEPRINT_JEST_SHARED_PACKAGES']);

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
  hash.update(JSON.stringify(Object.entries(blueprintEnv(env)).sort(([a], [b]) => a.localeCompare(b))));
  return hash.digest('hex');
}

/** The BLUEPRINT_* settings a synthesis reads (the run settings left out). */
function blueprintEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (e): e is [string, string] => e[0].startsWith('BLUEPRINT_') && !RUN_SETTINGS.has(e[0]) && e[1] !== undefined,
    ),
  );
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

type Ops = typeof SYNTH_OPS;

/**
 * `cached` for one of the synthesis operations (test/support/synth-ops.ts): a missing entry is
 * made by the synthesis server when it runs, else here. Either way the arguments cross as JSON
 * first, so both places synthesize the same data.
 */
export function cachedSynth<K extends SynthOp>(
  op: K,
  args: Parameters<Ops[K]>,
  clouds: readonly Cloud[],
): ReturnType<Ops[K]> {
  const data = JSON.parse(JSON.stringify(args)) as unknown[];
  const server = process.env.BLUEPRINT_SYNTH_SERVER;
  const make =
    server && server !== 'off'
      ? () => askServer(server, op, data)
      : () =>
          ((require('./synth-ops') as typeof import('./synth-ops')).SYNTH_OPS[op] as (...a: unknown[]) => unknown)(
            ...data,
          );
  return cached({ op, args: data }, make, clouds) as ReturnType<Ops[K]>;
}

/** One request to the synthesis server, waited for: its result, or its error thrown here. */
export function askServer(queue: string, op: SynthOp, args: unknown[]): unknown {
  // Unique across the test files of a worker too (each has its own copy of this module).
  const id = `${process.pid}-${randomUUID()}`;
  const request = path.join(queue, `${id}.req`);
  fs.writeFileSync(`${request}.tmp`, JSON.stringify({ op, args, env: blueprintEnv(process.env) }));
  fs.renameSync(`${request}.tmp`, request);
  const replyFile = path.join(queue, `${id}.res`);
  const stopped = path.join(queue, 'stopped');
  for (;;) {
    if (fs.existsSync(replyFile)) {
      const reply = JSON.parse(fs.readFileSync(replyFile, 'utf8')) as {
        result?: unknown;
        error?: { name?: string; message: string; stack?: string };
      };
      fs.rmSync(replyFile, { force: true });
      if (!reply.error) return reply.result;
      const error = new Error(reply.error.message);
      error.name = reply.error.name ?? 'Error';
      if (reply.error.stack) error.stack = reply.error.stack;
      throw error;
    }
    if (fs.existsSync(stopped))
      throw new Error(`the test synthesis server stopped: ${fs.readFileSync(stopped, 'utf8')}`);
    sleep(5);
  }
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
