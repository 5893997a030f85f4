import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLOUDS } from '../../lib/constants';
import { resolved } from '../fixtures';
import { cached, cacheKey, SYNTH_CACHE_DIR, treeHash } from './synth-cache';

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

  describe('GIVEN a source tree WHEN one file changes THEN exactly the syntheses that read it get new keys', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-tree-'));
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
    const put = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    for (const file of [
      'lib/a.ts',
      'stacks/b.ts',
      'constructs/aws/c.ts',
      'constructs/gcp/c.ts',
      'constructs/azure/c.ts',
    ])
      put(file, `// ${file}`);
    put('package-lock.json', '{}');
    const env = {};
    const hashes = () => ({
      aws: treeHash(root, ['aws'], env),
      gcp: treeHash(root, ['gcp'], env),
      azure: treeHash(root, ['azure'], env),
      all: treeHash(root, ['aws', 'gcp', 'azure'], env),
    });

    test.each([
      ['constructs/gcp/c.ts', ['gcp', 'all']],
      ['constructs/aws/c.ts', ['aws', 'all']],
      ['constructs/azure/new.ts', ['azure', 'all']],
      ['constructs/shared.ts', ['aws', 'gcp', 'azure', 'all']],
      ['lib/a.ts', ['aws', 'gcp', 'azure', 'all']],
      ['stacks/gcp-stack.ts', ['aws', 'gcp', 'azure', 'all']],
      ['package-lock.json', ['aws', 'gcp', 'azure', 'all']],
    ])('%s changed: new keys for %j', (file, changed) => {
      const before = hashes();
      put(file, `// changed at ${process.hrtime.bigint()}`);
      const after = hashes();
      const differ = (Object.keys(before) as Array<keyof typeof before>).filter((k) => before[k] !== after[k]);
      expect(differ).toEqual(changed);
    });

    test('a BLUEPRINT_* variable changes every key; the test-run settings do not', () => {
      const base = treeHash(root, ['gcp'], {});
      expect(treeHash(root, ['gcp'], { BLUEPRINT_SYNTH_CACHE: 'off' })).toBe(base);
      expect(treeHash(root, ['gcp'], { BLUEPRINT_SYNTH_SERVER: 'off' })).toBe(base);
      expect(treeHash(root, ['gcp'], { BLUEPRINT_JEST_SHARED_PACKAGES: 'off' })).toBe(base);
      expect(treeHash(root, ['gcp'], { BLUEPRINT_COMPILE_CACHE: '/x' })).not.toBe(base);
    });
  });

  test('GIVEN entries WHEN the run starts THEN those unused for 3 days go, then the least recently used beyond the size cap; a hit marks an entry used', () => {
    const { pruneSynthCache } = require('../global-setup') as {
      pruneSynthCache: (dir: string, maxAgeMs?: number, maxBytes?: number) => void;
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-prune-'));
    try {
      const hour = 3600_000;
      const entry = (name: string, ageMs: number) => {
        const file = path.join(dir, `${name}.json`);
        fs.writeFileSync(file, JSON.stringify({ name, pad: 'x'.repeat(1000) }));
        const at = new Date(Date.now() - ageMs);
        fs.utimesSync(file, at, at);
      };
      entry('fresh', 0);
      entry('day-old', 24 * hour);
      entry('week-old', 7 * 24 * hour);
      entry('two-days', 48 * hour);
      pruneSynthCache(dir);
      const left = () => fs.readdirSync(dir).sort();
      expect(left()).toEqual(['day-old.json', 'fresh.json', 'two-days.json']);
      // Room for two entries: the least recently used of the three goes.
      pruneSynthCache(dir, 3 * 24 * hour, 2100);
      expect(left()).toEqual(['day-old.json', 'fresh.json']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('GIVEN an old entry WHEN read THEN it is marked used now', () => {
    const what = { test: 'synth-cache-touch', at: Date.now(), pid: process.pid };
    const file = path.join(SYNTH_CACHE_DIR, `${cacheKey(what)}.json`);
    fs.mkdirSync(SYNTH_CACHE_DIR, { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ value: 1 }));
    const old = new Date(Date.now() - 10 * 24 * 3600_000);
    fs.utimesSync(file, old, old);
    try {
      expect(cached(what, () => ({ value: 2 }))).toEqual({ value: 1 });
      expect(Date.now() - fs.statSync(file).mtimeMs).toBeLessThan(60_000);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
