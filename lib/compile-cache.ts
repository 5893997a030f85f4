import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { threadId } from 'node:worker_threads';
import { type NewEntry, Pack, removeStaleTemporaries } from './compile-cache-pack';

/*
 * A V8 code cache for the CLI's one-shot processes (`blueprint`, the cdk and cdktf apps, and their
 * worker threads). A synth compiles ~1,100-1,700 CommonJS modules (aws-cdk-lib, cdktf, the
 * providers) and spends about a quarter of its CPU on that; Node 20 caches none of it (Node's own
 * module.enableCompileCache starts at 22.1). The v8-compile-cache package stores the code as it
 * is right after compilation, which holds only each module's top level: measured here (2.4.0),
 * no gain on an ungated synth. This cache is written when the work is done, so it also holds
 * every function that ran, and the next run compiles almost nothing: ungated synth of the
 * example 1.49 -> 1.14 s, CPU 2.7 -> 2.0 s (6 runs each, interleaved with the cache off).
 *
 * Safety: an entry is used only for the file it was made from and only while that file's
 * contents hash the same (V8 then checks its own version and flags and may still reject it);
 * packs (lib/compile-cache-pack.ts) are written to a temporary file and renamed, so a reader
 * never sees half of one; any failure falls back to Node's own loader. The directory sits
 * beside the installed packages (node_modules/.cache), as trusted as the code in them. Only an
 * entry point turns it on: a library import never patches the module loader.
 */

/** Set to `off` to turn the cache off, or to a directory to keep it there. */
export const COMPILE_CACHE_ENV = 'BLUEPRINT_COMPILE_CACHE';

/** Counters of the running thread, for tests and for the bench. */
export interface CompileCacheStats {
  /** Modules whose code came from the cache. */
  readonly hits: number;
  /** Modules compiled because no entry matched (absent, other contents, or V8 rejected it). */
  readonly misses: number;
  /** Entries written by flushCompileCache(). */
  readonly written: number;
}

interface Pending {
  readonly filename: string;
  readonly hash: Buffer;
  readonly script: vm.Script;
}

interface Active {
  /** What enableCompileCache() was given (handed on to worker threads). */
  readonly root: string;
  /** Where the packs are: `root/<node version>-<arch>`. */
  readonly dir: string;
  /** This thread's pack: what it read, and what it writes again with its new entries. */
  pack: Pack;
  readonly pending: Pending[];
  hits: number;
  misses: number;
  written: number;
}

let active: Active | undefined;

/**
 * Where an installed package keeps its cache: the project's node_modules/.cache (as other tools
 * do), or the checkout's own node_modules/.cache.
 * @param packageRoot the package's directory @default the directory of the package.json above this file
 */
export function defaultCompileCacheDir(packageRoot = packageRootOf(__dirname)): string {
  const up = path.dirname(packageRoot);
  const scoped = path.basename(up).startsWith('@') ? path.dirname(up) : up;
  const modules = path.basename(scoped) === 'node_modules' ? scoped : path.join(packageRoot, 'node_modules');
  return path.join(modules, '.cache', 'scaling-blueprint', 'compile');
}

function packageRootOf(dir: string): string {
  let root = dir;
  while (!fs.existsSync(path.join(root, 'package.json')) && path.dirname(root) !== root) root = path.dirname(root);
  return root;
}

/** Where the entries of a cache directory are: one subdirectory per Node version and architecture. */
export function compileCacheVersionDir(root: string): string {
  return path.join(root, `${process.version}-${process.arch}`);
}

/**
 * Turns the cache on for this thread (once; later calls return the same directory).
 * @param root the cache's directory @default BLUEPRINT_COMPILE_CACHE, else defaultCompileCacheDir()
 * @param pack the pack this thread reads and writes: threads that load the same modules share one @default 'main'
 * @returns the directory in use, or undefined when the cache is off or cannot be used here
 */
export function enableCompileCache(root?: string, pack = 'main'): string | undefined {
  if (active) return active.root;
  const setting = process.env[COMPILE_CACHE_ENV];
  if (setting === 'off' || !/^[a-z0-9-]+$/.test(pack)) return undefined;
  const chosen = root ?? (setting || defaultCompileCacheDir());
  const dir = compileCacheVersionDir(chosen);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    return undefined;
  }
  const file = path.join(dir, `${pack}.pack`);
  // The first run only marks the directory (an empty pack), and Node compiles as usual: a CI
  // runner that synthesizes once pays nothing for a cache no later run reads. The second run
  // writes the code (~0.3 s more on an ungated synth), the ones after it read it.
  const seen = fs.existsSync(file);
  let opened: Pack;
  try {
    opened = seen ? Pack.open(file) : Pack.update(file, new Map());
  } catch {
    return undefined;
  }
  active = { root: chosen, dir, pack: opened, pending: [], hits: 0, misses: 0, written: 0 };
  if (seen) patchLoader(active);
  // Worker threads flush themselves (see stacks/sync-worker.ts) after each reply.
  if (threadId === 0) process.once('exit', flushCompileCache);
  return chosen;
}

/** The directory this thread caches in (undefined while off), for handing to its worker threads. */
export function compileCacheRoot(): string | undefined {
  return active?.root;
}

/** How many modules this thread compiled that the next flushCompileCache() writes. */
export function compileCachePending(): number {
  return active?.pending.length ?? 0;
}

/** This thread's counters (all zero while the cache is off). */
export function compileCacheStats(): CompileCacheStats {
  return { hits: active?.hits ?? 0, misses: active?.misses ?? 0, written: active?.written ?? 0 };
}

/** Writes this thread's pack again with every module compiled so far without an entry. Never throws. */
export function flushCompileCache(): void {
  if (!active || active.pending.length === 0) return;
  const added = new Map<string, NewEntry>();
  try {
    // Serialized as the pack is written: one module's code in memory at a time.
    for (const { filename, hash, script } of active.pending)
      added.set(filename, { hash, code: () => script.createCachedData() });
    active.pack.close();
    active.pack = Pack.update(active.pack.file, added);
    active.written += added.size;
    removeStaleTemporaries(active.dir);
  } catch {
    // A directory that refuses writes: the next run compiles these modules again.
  }
  active.pending.length = 0;
}

/** The file names the packs of a cache directory hold code for (what the runs so far cached). */
export function compileCacheEntries(root: string): string[] {
  const dir = compileCacheVersionDir(root);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.pack'))
    .flatMap((f) => {
      const pack = Pack.open(path.join(dir, f));
      const names = pack.names();
      pack.close();
      return names;
    })
    .sort();
}

type Compile = (this: Module, content: string, filename: string, ...rest: unknown[]) => unknown;
type Internals = typeof Module & {
  prototype: { _compile: Compile };
  wrapper: readonly [string, string];
  _resolveFilename(request: string, parent: Module, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: Module): string[] | null;
  _extensions: NodeJS.RequireExtensions;
  _cache: NodeJS.Dict<NodeModule>;
};

/** Compiles CommonJS modules through vm.Script with the cached code; anything else goes to Node. */
function patchLoader(state: Active): void {
  const loader = Module as Internals;
  const original = loader.prototype._compile;
  loader.prototype._compile = function compile(this: Module, content, filename, ...rest) {
    if (!cacheable(content, filename, rest[0])) return original.call(this, content, filename, ...rest);
    const hash = contentHash(content);
    const cachedData = state.pack.read(filename, hash);
    const script = compileWrapped(content, filename, loader.wrapper, cachedData);
    if (!script) return original.call(this, content, filename, ...rest);
    if (cachedData && !script.cachedDataRejected) state.hits++;
    else {
      state.misses++;
      state.pending.push({ filename, hash, script });
    }
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, requireFor(loader, this), this, filename, path.dirname(filename));
  };
}

/**
 * Whether a module goes through the cache. A third argument is Node's module format (require(esm),
 * type stripping): Node's business. A module that may call import() stays with Node too: code
 * V8 restores from a cache has lost the loader's callback for it (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING
 * on Node 20), and the text test errs on the safe side (a mention in a comment is enough).
 */
function cacheable(content: unknown, filename: string, format: unknown): content is string {
  if (typeof content !== 'string' || (format !== undefined && format !== 'commonjs')) return false;
  return /\.c?js$/.test(filename) && !/\bimport\s*\(/.test(content);
}

/** What an entry is kept for: the module's contents. */
const contentHash = (content: string): Buffer => createHash('sha1').update(content).digest();

/**
 * A CommonJS module's `content` compiled as a script inside `wrapper` (the two halves of a module
 * wrapper), with V8's code for it when `cachedData` holds some (V8 may reject it: see
 * `cachedDataRejected`). Undefined when it does not compile as a script (a syntax error, ES module
 * syntax): Node then reports it, or loads the file its own way.
 */
function compileWrapped(
  content: string,
  filename: string,
  wrapper: readonly [string, string],
  cachedData?: Buffer,
): vm.Script | undefined {
  // A shebang is a comment only on the first line of a file, not inside the wrapper.
  const body = content.startsWith('#!') ? `//${content}` : content;
  try {
    // Positions on the first line stay those of the file (the wrapper precedes it).
    return new vm.Script(`${wrapper[0]}${body}${wrapper[1]}`, {
      filename,
      columnOffset: -wrapper[0].length,
      cachedData,
    });
  } catch {
    return undefined;
  }
}

/** The `require` a module sees, as Node builds it (lib/internal/modules/helpers.js makeRequireFunction). */
function requireFor(loader: Internals, mod: Module): NodeJS.Require {
  const require = ((id: string) => mod.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) =>
    loader._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => loader._resolveLookupPaths(request, mod);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = loader._extensions;
  require.cache = loader._cache;
  return require;
}
