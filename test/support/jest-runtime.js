/*
 * jest's runtime (jest.config.js `runtime`) that loads installed packages once per jest worker.
 *
 * jest gives every test file a fresh module registry, so each file that builds a stack loaded
 * aws-cdk-lib, cdktf, a provider and @aws-cdk/aws-service-spec's database again: ~35,000 loads
 * of ~3,900 distinct package modules a run over two workers, ~26 s of the workers' ~85 s of CPU.
 * Here a module that resolves into node_modules/ is loaded by Node's own `require` in the worker,
 * once, and every later test file of that worker gets the same exports. That is how vitest treats
 * the dependencies it externalizes (all of node_modules by default). The project's own modules
 * (api/, lib/, constructs/, stacks/, bin/, scripts/, test/) still load fresh for each test file,
 * in that file's context, through jest: transformed, mockable, reset by jest.isolateModules.
 *
 * What that changes for package code, none of which a test here relies on
 * (test/support/jest-runtime.test.ts shows each):
 * - its globals are the worker's: an object or error it makes has the worker's prototypes
 *   (`toEqual` ignores that; `instanceof Error` in a test file is false for it, as it already was
 *   for errors from Node's own modules);
 * - its module state lives as long as the worker (aws-cdk-lib's and cdktf's token maps, the
 *   service-spec database): a test must not count on a package being freshly loaded;
 * - jest.mock / jest.doMock of a package still replaces it where a test or project module
 *   requires it, not where another package does;
 * - it reads the worker's process.env, not the test file's copy (tests set only BLUEPRINT_*
 *   variables, which only project code reads);
 * - console and stack formatting: test/support/environment.js gives the worker's realm the test
 *   file's console and the same creation-stack rule as the file's realm.
 *
 * Node 20 caches no compiled code, so each worker would compile those ~3,900 modules once per run:
 * it keeps the CLI's V8 code cache instead (lib/compile-cache.ts, one pack per jest worker beside
 * the CLI's in node_modules/.cache/scaling-blueprint/compile), written once, when the worker
 * exits (a flush after each test file rewrote the growing pack ~80 times in the run that first
 * writes it). BLUEPRINT_COMPILE_CACHE=off or =DIR applies as in the CLI.
 *
 * BLUEPRINT_JEST_SHARED_PACKAGES=off runs jest's own runtime unchanged (every package loaded per
 * file, no code cache).
 */
const path = require('node:path');
const Runtime = require('jest-runtime').default;
// Built by the global setup before any worker starts.
const compileCache = require('../../dist/lib/compile-cache');

/** The switch, read once per worker: `off` loads packages per test file, as jest does. */
const SHARED_PACKAGES_ENV = 'BLUEPRINT_JEST_SHARED_PACKAGES';

/** Where installed packages live: only their modules are shared. */
const PACKAGES = `${path.sep}node_modules${path.sep}`;

const sharing = process.env[SHARED_PACKAGES_ENV] !== 'off';
/** This worker's pack of the code cache. */
const PACK = `jest-${process.env.JEST_WORKER_ID ?? '1'}`;
if (sharing) compileCache.enableCompileCache(undefined, PACK);
// For test/support/jest-runtime.test.ts, whose own copy of lib/compile-cache is not this worker's.
globalThis[Symbol.for('scaling-blueprint.jestCompileCache')] = { root: compileCache.compileCacheRoot(), pack: PACK };

class SharedPackagesRuntime extends Runtime {
  /** jest-runtime 30's public seam for every CommonJS require, after its mock decision. */
  requireModule(from, moduleName, options, isRequireActual) {
    const file = sharing ? this.sharedPackagePath(from, moduleName, options) : undefined;
    return file ? require(file) : super.requireModule(from, moduleName, options, isRequireActual);
  }

  /** The file `moduleName` resolves to when it is an installed package's module; undefined otherwise. */
  sharedPackagePath(from, moduleName, options) {
    // jest's own modules (the test framework it loads into each file's context) stay per file.
    if (!moduleName || options?.isInternalModule || this._resolution.isCoreModule(moduleName)) return undefined;
    // A manual mock (a __mocks__ folder beside node_modules) is jest's to serve.
    if (this._resolution.getCjsMockModule(from, moduleName)) return undefined;
    const file = this._resolution.resolveCjs(from, moduleName);
    return file.includes(PACKAGES) ? file : undefined;
  }
}

module.exports = SharedPackagesRuntime;
