import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLOUDS } from '../../lib/constants';
import { resolved } from '../fixtures';
import { cached, cacheKey, SYNTH_CACHE_DIR } from './synth-cache';

/* The shared synthesis cache of the output suites: one entry per spec and source tree. */

describe('synthesis cache', () => {
  test('GIVEN two specs that differ in one field WHEN keyed THEN the keys differ; the same spec keys the same', () => {
    const a = { spec: resolved('dev'), clouds: CLOUDS, checks: false };
    const b = { spec: resolved('dev', { compute: { maxInstances: 7 } }), clouds: CLOUDS, checks: false };
    expect(cacheKey(a)).toBe(cacheKey({ spec: resolved('dev'), clouds: CLOUDS, checks: false }));
    expect(cacheKey(a)).not.toBe(cacheKey(b));
    expect(cacheKey(a)).not.toBe(cacheKey({ ...a, checks: true }));
  });

  test('GIVEN an entry made once WHEN asked again (memory, then disk) THEN it is not made again', () => {
    const what = { test: 'synth-cache', at: Date.now(), pid: process.pid };
    let made = 0;
    const make = () => {
      made++;
      return { value: 42 };
    };
    expect(cached(what, make)).toEqual({ value: 42 });
    expect(cached(what, make)).toEqual({ value: 42 });
    expect(made).toBe(1);
    const file = path.join(SYNTH_CACHE_DIR, `${cacheKey(what)}.json`);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ value: 42 });
    fs.rmSync(file);
  });
});
