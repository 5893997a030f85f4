import * as vm from 'node:vm';

/*
 * The code cache of the jest runtime (test/support/jest-runtime.js): an installed package's
 * module compiles from the code of an earlier test file, runs the same, and fails at the same
 * place; anything it cannot compile is left to jest.
 */
const { CodeCache } = require('./jest-runtime') as {
  CodeCache: new () => {
    compile(
      source: string,
      filename: string,
      params: string[],
      context: vm.Context,
    ): ((...args: unknown[]) => void) | undefined;
    keep(): void;
    stats: { hits: number; misses: number; rejected: number; kept: number };
  };
};

const PARAMS = ['module', 'exports', 'require', '__dirname', '__filename'];
const FILE = '/pkg/node_modules/dep/index.js';

/** Runs a compiled module function as jest does; returns its exports. */
function run(fn: ((...args: unknown[]) => void) | undefined, filename = FILE): unknown {
  if (!fn) throw new Error('not compiled');
  const module = { exports: {} as unknown };
  fn.call(module.exports, module, module.exports, require, '/pkg/node_modules/dep', filename);
  return module.exports;
}

/** The first stack frame's file:line:column of what `fn` throws. */
function thrownAt(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (
      ((error as Error).stack ?? '')
        .split('\n')[1]
        ?.replace(/^.*\((.*)\)$/, '$1')
        .trim() ?? ''
    );
  }
  throw new Error('nothing thrown');
}

const SOURCE = [
  "'use strict';",
  'function add(a, b) { return a + b; }',
  'module.exports = { sum: [1, 2, 3].reduce(add, 0), file: __filename, strict: this === undefined };',
].join('\n');

describe('jest runtime code cache', () => {
  test('GIVEN a module compiled in one test file WHEN the next file compiles it THEN the cached code is used and runs the same', () => {
    const cache = new CodeCache();
    const first = run(cache.compile(SOURCE, FILE, PARAMS, vm.createContext({})));
    expect(cache.stats).toEqual({ hits: 0, misses: 1, rejected: 0, kept: 0 });
    cache.keep();
    const second = run(cache.compile(SOURCE, FILE, PARAMS, vm.createContext({})));
    expect(cache.stats).toEqual({ hits: 1, misses: 1, rejected: 0, kept: 1 });
    // `this` is module.exports (jest calls the wrapper with it), so not undefined.
    expect(first).toEqual({ sum: 6, file: FILE, strict: false });
    expect(second).toEqual(first);
  });

  test('GIVEN the same file with other contents WHEN compiled THEN the entry is not used and the new code runs', () => {
    const cache = new CodeCache();
    run(cache.compile(SOURCE, FILE, PARAMS, vm.createContext({})));
    cache.keep();
    const changed = run(cache.compile(SOURCE.replace('[1, 2, 3]', '[4, 5]'), FILE, PARAMS, vm.createContext({})));
    expect(changed).toMatchObject({ sum: 9 });
    expect(cache.stats).toMatchObject({ hits: 0, misses: 2 });
  });

  test('GIVEN an error thrown on the first line WHEN the module runs THEN its stack names the line and column of the unwrapped module', () => {
    const source = "module.exports = () => { throw new Error('boom'); };";
    const cache = new CodeCache();
    const cached = run(cache.compile(source, FILE, PARAMS, vm.createContext({}))) as () => void;
    const plain = { exports: {} as () => void };
    vm.compileFunction(source, PARAMS, { filename: FILE })(plain, plain.exports, require, '', FILE);
    expect(thrownAt(cached)).toBe(thrownAt(plain.exports));
    expect(thrownAt(cached)).toBe(`${FILE}:1:32`);
  });

  test('GIVEN a source that does not compile WHEN asked THEN nothing is compiled here and nothing is counted (jest compiles it and reports the error)', () => {
    const cache = new CodeCache();
    expect(cache.compile('module.exports = ;', FILE, PARAMS, vm.createContext({}))).toBeUndefined();
    expect(cache.stats).toEqual({ hits: 0, misses: 0, rejected: 0, kept: 0 });
  });

  test('GIVEN a module that may call import() WHEN asked THEN it is left to jest (code restored from a cache loses the dynamic-import callback)', () => {
    const cache = new CodeCache();
    const source = "module.exports = () => import('node:fs');";
    expect(cache.compile(source, FILE, PARAMS, vm.createContext({}))).toBeUndefined();
    expect(cache.stats.misses).toBe(0);
  });

  test('GIVEN a module compiled in a context WHEN it runs THEN it belongs to that context (the globals of the test file)', () => {
    const cache = new CodeCache();
    const context = vm.createContext({ marker: 'file-a' });
    const out = run(
      cache.compile('module.exports = typeof marker === "string" ? marker : null;', FILE, PARAMS, context),
    );
    expect(out).toBe('file-a');
  });
});
