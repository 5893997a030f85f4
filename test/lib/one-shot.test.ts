import v8 from 'node:v8';
import { COMPILE_CACHE_ENV, compileCacheRoot } from '../../lib/compile-cache';
import { startOneShotProcess } from '../../lib/one-shot';

describe('one-shot process settings', () => {
  test('GIVEN an entry point WHEN it starts THEN both V8 flags are set, in order, and BLUEPRINT_COMPILE_CACHE=off keeps the cache off (and the loader of the jest worker untouched)', () => {
    // Recorded, not applied: a V8 flag stays set for every later test file of this jest worker.
    const spy = jest.spyOn(v8, 'setFlagsFromString').mockImplementation(() => undefined);
    const saved = process.env[COMPILE_CACHE_ENV];
    process.env[COMPILE_CACHE_ENV] = 'off';
    try {
      startOneShotProcess();
      expect(spy.mock.calls).toEqual([['--liftoff-only'], ['--no-concurrent-marking']]);
      expect(compileCacheRoot()).toBeUndefined();
    } finally {
      spy.mockRestore();
      if (saved === undefined) delete process.env[COMPILE_CACHE_ENV];
      else process.env[COMPILE_CACHE_ENV] = saved;
    }
  });
});
