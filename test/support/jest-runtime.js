/*
 * jest's runtime (jest.config.js `runtime`) with a V8 code cache for installed packages, kept in
 * memory by each jest worker. jest gives every test file a fresh module registry, so each file
 * that builds a stack loads aws-cdk-lib, cdktf or a provider again (a run: ~35,000 loads of
 * ~3,900 distinct package modules over two workers), and V8 compiles each one again: jest
 * compiles with vm.compileFunction, which V8 does not cache (aws-cdk-lib's ec2.generated.js,
 * 1.8 MB: 50-110 ms on every call, Node 20).
 * Here a package's module is compiled with the code V8 made for it in an earlier file of the same
 * worker (taken when that file ended, so it also holds every function that ran), and the next
 * file skips the compile.
 *
 * What a test sees does not change: every file still gets a fresh registry and runs each
 * module's code again; only the compile is skipped. An entry is used only for the same file
 * with the same contents (SHA-1 of the source); V8 checks its own version and flags and may
 * reject an entry, and then the module compiles as usual. A module that may call import(), and
 * any that does not compile this way, is left to jest's own compile (compileWrapped in
 * lib/compile-cache.ts, shared with the CLI's code cache), so a module jest can load loads the
 * same way. Only files under node_modules/ take this path: the project's own sources keep jest's
 * compile as they are.
 *
 * BLUEPRINT_JEST_CODE_CACHE=off runs jest's own runtime unchanged.
 */
const path = require('node:path');
const Runtime = require('jest-runtime').default;
// The CLI's code cache compiles the same way (lib/compile-cache.ts); dist/ is built by the global setup.
const { compileWrapped, contentHash } = require('../../dist/lib/compile-cache');

/** jest's module wrapper: its parameters are jest's own (module, exports, require, ..., jest, globals). */
const wrapperOf = (params) => [`(function (${params.join(', ')}) {`, '\n})'];

/** Compiled code of one worker's modules: entries by file, the scripts to take code from, counters. */
class CodeCache {
  constructor() {
    /** @type {Map<string, {hash: Buffer, data: Buffer}>} */
    this.entries = new Map();
    /** Scripts compiled without a usable entry; their code is taken by keep(). */
    this.pending = [];
    this.stats = { hits: 0, misses: 0, rejected: 0, kept: 0 };
  }

  /**
   * The module function for `source`, compiled in `context` with the cached code when there is
   * an entry for this file and these contents; undefined when it is not compiled here (it may
   * call import(), or it does not compile as a script: compileWrapped), and jest compiles it.
   */
  compile(source, filename, params, context) {
    const hash = contentHash(source);
    const entry = this.entries.get(filename);
    const cachedData = entry?.hash.equals(hash) ? entry.data : undefined;
    const script = compileWrapped(source, filename, wrapperOf(params), cachedData);
    if (!script) return undefined;
    if (cachedData && !script.cachedDataRejected) this.stats.hits++;
    else {
      if (cachedData) this.stats.rejected++;
      else this.stats.misses++;
      this.pending.push({ filename, hash, script });
    }
    return script.runInContext(context, { filename });
  }

  /** Takes the code of the scripts compiled since the last call: what they ran is compiled by now. */
  keep() {
    for (const { filename, hash, script } of this.pending.splice(0)) {
      this.entries.set(filename, { hash, data: script.createCachedData() });
      this.stats.kept++;
    }
  }
}

/** Where installed packages live: only their modules use the cache. */
const PACKAGES = `${path.sep}node_modules${path.sep}`;

/** This worker's cache: shared by the runtimes of every test file the worker runs. */
const workerCache = new CodeCache();

class CodeCachingRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    const executor = this.executor;
    // jest-runtime 30's module executor; any other shape runs jest's runtime unchanged.
    if (process.env.BLUEPRINT_JEST_CODE_CACHE === 'off' || typeof executor?.compile !== 'function') return;
    const jestCompile = executor.compile.bind(executor);
    executor.compile = (source, filename) => {
      if (!filename.includes(PACKAGES)) return jestCompile(source, filename);
      const context = this._environment.getVmContext();
      if (context == null) return null;
      const fn = workerCache.compile(source, filename, executor.injectedModuleParameters, context);
      return fn ?? jestCompile(source, filename);
    };
  }

  teardown() {
    workerCache.keep();
    return super.teardown();
  }
}

module.exports = CodeCachingRuntime;
module.exports.CodeCache = CodeCache;
module.exports.workerCache = workerCache;
