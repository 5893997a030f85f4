import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { compileCacheVersionDir, defaultCompileCacheDir } from '../../lib/compile-cache';

/*
 * The jest runtime (test/support/jest-runtime.js): installed packages load once per jest worker, in
 * the worker's realm; the project's own modules load per test file, in its realm, through jest.
 * With BLUEPRINT_JEST_SHARED_PACKAGES=off (jest's own runtime) the same tests expect jest's behaviour.
 */
const shared = process.env.BLUEPRINT_JEST_SHARED_PACKAGES !== 'off';
const workerObjectPrototype = vm.runInThisContext('Object.prototype') as object;
/** Where an object made by an installed package gets its prototype from. */
const packageObjectPrototype = shared ? workerObjectPrototype : Object.prototype;

type Yaml = typeof import('yaml');
type Naming = typeof import('../../lib/naming');
type Levenshtein = typeof import('fastest-levenshtein');

describe('jest runtime: installed packages shared per worker', () => {
  test("GIVEN an installed package WHEN it makes an object THEN the object has the worker realm's prototype, not this file's", () => {
    const parsed = (require('yaml') as Yaml).parse('a: 1') as object;
    expect(parsed).toEqual({ a: 1 });
    expect(Object.getPrototypeOf(parsed)).toBe(packageObjectPrototype);
    expect(workerObjectPrototype).not.toBe(Object.prototype);
  });

  test("GIVEN a project module WHEN it makes an object THEN the object is this file's realm's", () => {
    const { ENV_SHORT } = require('../../lib/naming') as Naming;
    expect(Object.getPrototypeOf(ENV_SHORT)).toBe(Object.prototype);
  });

  test('GIVEN jest.isolateModules WHEN both are required again THEN the package is the same instance and the project module is fresh', () => {
    const yaml = require('yaml') as Yaml;
    const naming = require('../../lib/naming') as Naming;
    let again: { yaml?: Yaml; naming?: Naming } = {};
    jest.isolateModules(() => {
      again = { yaml: require('yaml'), naming: require('../../lib/naming') };
    });
    expect(again.yaml === yaml).toBe(shared);
    expect(again.naming).not.toBe(naming);
    expect(again.naming?.ENV_SHORT).toEqual(naming.ENV_SHORT);
  });

  test('GIVEN jest.doMock of a package WHEN a test requires it THEN the mock is what it gets', () => {
    let mocked: Levenshtein | undefined;
    jest.isolateModules(() => {
      jest.doMock('fastest-levenshtein', () => ({ distance: () => 42 }));
      mocked = require('fastest-levenshtein');
    });
    jest.dontMock('fastest-levenshtein');
    expect(mocked?.distance('a', 'b')).toBe(42);
    expect((require('fastest-levenshtein') as Levenshtein).distance('kitten', 'sitting')).toBe(3);
  });

  test('GIVEN a variable this file sets WHEN the worker realm, where packages run, reads process.env THEN it does not see it (jest gives each file a copy)', () => {
    const workerEnv = vm.runInThisContext('process.env') as NodeJS.ProcessEnv;
    process.env.BLUEPRINT_RUNTIME_PROBE = 'this file';
    try {
      expect(workerEnv).not.toBe(process.env);
      expect(workerEnv.BLUEPRINT_RUNTIME_PROBE).toBeUndefined();
    } finally {
      delete process.env.BLUEPRINT_RUNTIME_PROBE;
    }
  });

  test("GIVEN a package's JSON file WHEN required THEN it is the package's data", () => {
    const pkg = require('yaml/package.json') as { name: string };
    expect(pkg.name).toBe('yaml');
    expect(Object.getPrototypeOf(pkg)).toBe(packageObjectPrototype);
  });
});

describe('jest runtime: the code cache of shared packages', () => {
  test("GIVEN shared packages WHEN this worker runs THEN its native loads use the CLI's code cache, in this worker's own pack", () => {
    const worker = (vm.runInThisContext('globalThis') as Record<symbol, { root?: string; pack: string }>)[
      Symbol.for('scaling-blueprint.jestCompileCache')
    ];
    if (!shared || process.env.BLUEPRINT_COMPILE_CACHE === 'off') return expect(worker?.root).toBeUndefined();
    expect(worker?.root).toBe(process.env.BLUEPRINT_COMPILE_CACHE || defaultCompileCacheDir());
    expect(worker?.pack).toBe(`jest-${process.env.JEST_WORKER_ID}`);
    // Marked by this worker's first run, written by the next.
    expect(fs.existsSync(path.join(compileCacheVersionDir(worker?.root as string), `${worker?.pack}.pack`))).toBe(true);
  });
});
