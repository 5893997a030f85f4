import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { COMPILE_CACHE_ENV, compileCacheEntries, defaultCompileCacheDir } from '../../lib/compile-cache';

/*
 * The code cache patches Node's module loader, so every case runs in a child process of its own
 * (built dist/, as the CLI runs it) and reports what it saw as JSON.
 */

const ROOT = path.join(__dirname, '..', '..');
const MODULE = path.join(ROOT, 'dist', 'lib', 'compile-cache.js');

let work: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-compile-cache-'));
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

/** Runs `body` in a fresh process with the cache on in `cache`; returns its result, the root in use and the counters (after a flush). */
function run(body: string, cache = path.join(work, 'cache'), env: NodeJS.ProcessEnv = {}): Record<string, unknown> {
  const script = path.join(work, 'run.js');
  fs.writeFileSync(
    script,
    `const cc = require(${JSON.stringify(MODULE)});
const root = cc.enableCompileCache(${JSON.stringify(cache)});
const out = (() => { ${body} })();
cc.flushCompileCache();
process.stdout.write(JSON.stringify({ root: root ?? null, ...cc.compileCacheStats(), ...out }));`,
  );
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!(COMPILE_CACHE_ENV in env)) delete childEnv[COMPILE_CACHE_ENV];
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', env: childEnv });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function writeModule(name: string, text: string): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  return file;
}

/** The first process in a directory only marks it; the cases below start after that one. */
const mark = () => run('return {};');

describe('compile cache', () => {
  test('GIVEN a fresh directory WHEN the first process loads a module THEN Node compiles it and only an empty pack marks the directory', () => {
    const file = writeModule('a.js', 'module.exports = (n) => [1, 2, 3].map((x) => x * n);\n');
    const load = `return { value: require(${JSON.stringify(file)})(2) };`;
    expect(run(load)).toEqual({ root: path.join(work, 'cache'), hits: 0, misses: 0, written: 0, value: [2, 4, 6] });
    expect(compileCacheEntries(path.join(work, 'cache'))).toEqual([]);
    expect(fs.readdirSync(path.join(work, 'cache', `${process.version}-${process.arch}`))).toEqual(['main.pack']);
  });

  test('GIVEN a marked directory WHEN a process loads a module THEN it writes the code under the file name, and the next process runs the cached code', () => {
    mark();
    const file = writeModule('a.js', 'module.exports = (n) => [1, 2, 3].map((x) => x * n);\n');
    const load = `return { value: require(${JSON.stringify(file)})(2) };`;
    expect(run(load)).toMatchObject({ hits: 0, misses: 1, written: 1, value: [2, 4, 6] });
    expect(compileCacheEntries(path.join(work, 'cache'))).toEqual([file]);
    expect(run(load)).toMatchObject({ hits: 1, misses: 0, written: 0, value: [2, 4, 6] });
  });

  test('GIVEN two packs (two kinds of thread) THEN each reads and writes its own, and a rewrite keeps the other modules of its pack', () => {
    mark();
    const a = writeModule('one.js', 'module.exports = 1;\n');
    const b = writeModule('two.js', 'module.exports = 2;\n');
    run(`return { v: require(${JSON.stringify(a)}) };`);
    run(`return { v: require(${JSON.stringify(b)}) };`);
    expect(compileCacheEntries(path.join(work, 'cache'))).toEqual([a, b].sort());
    expect(run(`return { v: require(${JSON.stringify(a)}) + require(${JSON.stringify(b)}) };`)).toMatchObject({
      hits: 2,
      v: 3,
    });
  });

  test('GIVEN another process writes the pack while this one runs THEN this one keeps its entries when it writes', () => {
    mark();
    const mine = writeModule('mine.js', 'module.exports = "mine";\n');
    const theirs = writeModule('theirs.js', 'module.exports = "theirs";\n');
    const other = path.join(work, 'other.js');
    fs.writeFileSync(
      other,
      `require(${JSON.stringify(MODULE)}).enableCompileCache(${JSON.stringify(path.join(work, 'cache'))}); require(${JSON.stringify(theirs)});`,
    );
    // This process opens the pack first, the other one writes it, then this one loads and writes.
    run(`require('node:child_process').execFileSync(process.execPath, [${JSON.stringify(other)}]);
return { v: require(${JSON.stringify(mine)}) };`);
    expect(compileCacheEntries(path.join(work, 'cache'))).toEqual([mine, theirs].sort());
  });

  test('GIVEN a cached module WHEN its file changes, even to the same length THEN the new code runs and its entry is replaced', () => {
    mark();
    const file = writeModule('b.js', 'module.exports = () => "old";\n');
    const load = `return { value: require(${JSON.stringify(file)})() };`;
    expect(run(load)).toMatchObject({ value: 'old' });
    fs.writeFileSync(file, 'module.exports = () => "new";\n');
    expect(run(load)).toMatchObject({ hits: 0, misses: 1, value: 'new' });
    expect(run(load)).toMatchObject({ hits: 1, misses: 0, value: 'new' });
  });

  test.each([
    // The footer and the index are gone.
    ['cut short', (bytes: Buffer, dataLength: number) => bytes.subarray(0, 5 + Math.floor(dataLength / 2))],
    // The index is intact; V8's own data (after the first 5 bytes) is replaced by other bytes.
    [
      'overwritten with other bytes',
      (bytes: Buffer, dataLength: number) =>
        Buffer.concat([bytes.subarray(0, 5), Buffer.alloc(dataLength, 7), bytes.subarray(5 + dataLength)]),
    ],
    ['not a pack at all', () => Buffer.from('garbage')],
  ])(
    'GIVEN a pack %s THEN it is not used: the module compiles as usual and the pack is written again',
    (_how, damage) => {
      mark();
      const file = writeModule('c.js', 'module.exports = 42;\n');
      const load = `return { value: require(${JSON.stringify(file)}) };`;
      run(load);
      const pack = path.join(work, 'cache', `${process.version}-${process.arch}`, 'main.pack');
      const bytes = fs.readFileSync(pack);
      // One entry: magic (5 bytes), its data, the index, the footer (index length, count, magic: 13 bytes).
      const dataLength = bytes.length - 5 - bytes.readUInt32BE(bytes.length - 13) - 13;
      fs.writeFileSync(pack, damage(bytes, dataLength));
      expect(run(load)).toMatchObject({ hits: 0, misses: 1, written: 1, value: 42 });
      expect(run(load)).toMatchObject({ hits: 1, value: 42 });
    },
  );

  test('GIVEN a module run from the cache THEN require, module, this, __filename and __dirname are what Node gives it, and import() works', () => {
    mark();
    writeModule('dep.json', '{ "ok": true }');
    writeModule('esm.mjs', 'export const kind = "esm";\n');
    const file = writeModule(
      'd.js',
      `exports.same = this === module.exports;
exports.file = __filename;
exports.dir = __dirname;
exports.json = require('./dep.json');
exports.resolved = require.resolve('./dep.json');
exports.paths = Array.isArray(require.resolve.paths('x'));
exports.cached = require.cache[__filename] === module;
exports.isMain = require.main === module;
exports.child = module.parent.children.includes(module);
exports.esm = () => import('./esm.mjs').then((m) => m.kind);
`,
    );
    const body = `const d = require(${JSON.stringify(file)});
const { esm, ...rest } = d;
return { rest };`;
    for (const attempt of [run(body), run(body)]) {
      expect(attempt.rest).toEqual({
        same: true,
        file,
        dir: work,
        json: { ok: true },
        resolved: path.join(work, 'dep.json'),
        paths: true,
        cached: true,
        isMain: false,
        child: true,
      });
    }
    // import() from a cached module: a separate process, since it settles after the report above.
    const script = path.join(work, 'import.js');
    fs.writeFileSync(
      script,
      `require(${JSON.stringify(MODULE)}).enableCompileCache(${JSON.stringify(path.join(work, 'cache'))});
require(${JSON.stringify(file)}).esm().then((k) => process.stdout.write(k));`,
    );
    expect(spawnSync(process.execPath, [script], { encoding: 'utf8' }).stdout).toBe('esm');
  });

  test('GIVEN an error thrown on the first line of a cached module THEN its stack names the same line and column as without the cache', () => {
    mark();
    const file = writeModule(
      'e.js',
      '"use strict";function f(){throw new Error("x")};module.exports=()=>[1].forEach(()=>f());\n',
    );
    const body = `try { require(${JSON.stringify(file)})(); } catch (e) { return { frames: e.stack.split('\\n').slice(1, 3).map((l) => l.trim()) }; }`;
    const plain = run(body, path.join(work, 'cache'), { [COMPILE_CACHE_ENV]: 'off' });
    expect(plain.root).toBeNull();
    expect(plain.frames).toEqual([`at f (${file}:1:33)`, `at ${file}:1:84`]);
    expect(run(body).frames).toEqual(plain.frames);
    expect(run(body)).toMatchObject({ hits: 1, frames: plain.frames });
  });

  test('GIVEN a file with a syntax error or a shebang THEN Node reports the error as usual, and the shebang file loads', () => {
    mark();
    const bad = writeModule('bad.js', 'module.exports = {;\n');
    const bang = writeModule('bang.js', '#!/usr/bin/env node\nmodule.exports = "ran";\n');
    const body = `let message; try { require(${JSON.stringify(bad)}); } catch (e) { message = e.name + ': ' + e.message; }
return { message, bang: require(${JSON.stringify(bang)}) };`;
    expect(run(body)).toMatchObject({ message: "SyntaxError: Unexpected token ';'", bang: 'ran' });
    expect(run(body)).toMatchObject({ hits: 1, bang: 'ran' });
  });

  test.each([
    ['BLUEPRINT_COMPILE_CACHE=off', { [COMPILE_CACHE_ENV]: 'off' }, 'cache'],
    ['a directory that cannot be created (under a file)', {}, path.join('file.txt', 'cache')],
  ])('GIVEN %s THEN the cache stays off, nothing is written and modules load as usual', (_what, env, where) => {
    fs.writeFileSync(path.join(work, 'file.txt'), 'not a directory');
    const file = writeModule('f.js', 'module.exports = "loaded";\n');
    const result = run(`return { value: require(${JSON.stringify(file)}) };`, path.join(work, where), env);
    expect(result).toEqual({ root: null, hits: 0, misses: 0, written: 0, value: 'loaded' });
    expect(fs.existsSync(path.join(work, 'cache'))).toBe(false);
  });

  test('GIVEN BLUEPRINT_COMPILE_CACHE=DIR and no directory from the caller THEN the packs go to DIR, written as the process exits', () => {
    const dir = path.join(work, 'from-env');
    const script = path.join(work, 'env.js');
    const file = writeModule('g.js', 'module.exports = 1;\n');
    fs.writeFileSync(
      script,
      `const cc = require(${JSON.stringify(MODULE)}); cc.enableCompileCache(); require(${JSON.stringify(file)});`,
    );
    // Twice: the first run marks DIR; the second writes its code when it exits (no explicit flush here).
    for (const _ of [1, 2]) {
      const r = spawnSync(process.execPath, [script], { env: { ...process.env, [COMPILE_CACHE_ENV]: dir } });
      expect(r.status).toBe(0);
    }
    expect(compileCacheEntries(dir)).toEqual([file]);
  });

  test('GIVEN the cache on WHEN a process starts and ends 12 synthesis workers THEN each worker answers and one exit listener waits for all of them (no listener per worker, no leak warning)', () => {
    mark();
    const script = path.join(work, 'workers.js');
    fs.writeFileSync(
      script,
      `const cc = require(${JSON.stringify(MODULE)});
cc.enableCompileCache(${JSON.stringify(path.join(work, 'cache'))});
const { SyncWorker } = require(${JSON.stringify(path.join(ROOT, 'dist', 'stacks', 'sync-worker.js'))});
const before = process.listenerCount('exit');
const warnings = [];
process.on('warning', (w) => warnings.push(w.name));
const answers = [];
for (let i = 0; i < 12; i++) answers.push(new SyncWorker('serve((n) => n * 2);').send(i, { last: true })());
// The workers' exit events arrive on the event loop.
setTimeout(() => process.stdout.write(JSON.stringify({ answers, added: process.listenerCount('exit') - before, warnings })), 1000);`,
    );
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      answers: [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22],
      added: 1,
      warnings: [],
    });
  });

  test.each([
    ['a checkout', '/work/repo', '/work/repo/node_modules/.cache/scaling-blueprint/compile'],
    ['an installed package', '/p/node_modules/scaling-blueprint', '/p/node_modules/.cache/scaling-blueprint/compile'],
    ['a scoped install', '/p/node_modules/@acme/blueprint', '/p/node_modules/.cache/scaling-blueprint/compile'],
  ])('GIVEN %s THEN the default directory is the project node_modules/.cache', (_what, root, expected) => {
    expect(defaultCompileCacheDir(root)).toBe(expected);
  });
});
