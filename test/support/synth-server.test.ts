import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolved } from '../fixtures';
import { askServer, cachedSynth } from './synth-cache';
import { SYNTH_OPS, type SynthOp } from './synth-ops';

/* The synthesis server (test/support/synth-server.js): requests as files, answered by threads. */

const { startSynthServer, stopSynthServer } = require('./synth-server') as {
  startSynthServer: (ops: string, threads: number) => { queue: string; workers: unknown[] };
  stopSynthServer: (server: { queue: string; workers: unknown[] }) => Promise<void>;
};

describe('synthesis server', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-server-test-'));
  const ops = path.join(dir, 'ops.js');
  // Operations that show what the thread saw: its arguments, its environment, and its failures.
  fs.writeFileSync(
    ops,
    `exports.SYNTH_OPS = {
      echo: (...args) => ({ args, env: process.env.BLUEPRINT_PROBE ?? null, server: process.env.BLUEPRINT_SYNTH_SERVER ?? null }),
      fail: () => { const e = new RangeError('no such size: huge'); throw e; },
      exit: () => process.exit(7),
    };`,
  );
  const server = startSynthServer(ops, 2);
  const ask = (op: string, ...args: unknown[]) => askServer(server.queue, op as SynthOp, args);
  afterAll(async () => {
    await stopSynthServer(server);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('GIVEN requests from this worker WHEN answered THEN each gets its own result, and its BLUEPRINT_* settings (the run settings left out) reach the thread', () => {
    process.env.BLUEPRINT_PROBE = 'from the asker';
    try {
      const answers = [1, 2, 3].map((n) => ask('echo', n, { nested: [n] }));
      expect(answers).toEqual(
        [1, 2, 3].map((n) => ({ args: [n, { nested: [n] }], env: 'from the asker', server: null })),
      );
    } finally {
      delete process.env.BLUEPRINT_PROBE;
    }
    expect(ask('echo')).toEqual({ args: [], env: null, server: null });
    // Nothing is left in the queue once a request is answered.
    expect(fs.readdirSync(server.queue)).toEqual([]);
  });

  test('GIVEN an operation that throws WHEN asked THEN the asker throws its name and message', () => {
    expect(() => ask('fail')).toThrow(expect.objectContaining({ name: 'RangeError', message: 'no such size: huge' }));
    expect(() => ask('nope')).toThrow(/SYNTH_OPS\[op\] is not a function/);
  });

  test('GIVEN a thread that ends WHEN the next request comes THEN it fails saying why, instead of waiting', async () => {
    const lone = startSynthServer(ops, 1);
    try {
      expect(() => askServer(lone.queue, 'exit' as SynthOp, [])).toThrow(
        /the test synthesis server stopped: synthesis server thread \d+ exited \(7\)/,
      );
      expect(() => askServer(lone.queue, 'echo' as SynthOp, [])).toThrow(/the test synthesis server stopped/);
    } finally {
      await stopSynthServer(lone);
    }
  });

  test('GIVEN operations the thread cannot load WHEN asked THEN the request fails naming the file', async () => {
    const broken = startSynthServer(path.join(dir, 'absent.js'), 1);
    try {
      expect(() => askServer(broken.queue, 'echo' as SynthOp, [])).toThrow(/could not load .*absent\.js/);
    } finally {
      await stopSynthServer(broken);
    }
  });

  test('GIVEN a spec WHEN the run server (dist/) and this worker (the sources) synthesize it THEN the outputs are the same', () => {
    // Azure: the engine that loads fastest here; every cloud goes through the same two paths.
    const spec = resolved('dev', { clouds: ['azure'] });
    if (!process.env.BLUEPRINT_SYNTH_SERVER || process.env.BLUEPRINT_SYNTH_SERVER === 'off')
      throw new Error('this test compares with the run server: run it without BLUEPRINT_SYNTH_SERVER=off');
    const served = askServer(process.env.BLUEPRINT_SYNTH_SERVER, 'cloudOutput', [spec, 'azure']);
    const here = SYNTH_OPS.cloudOutput(JSON.parse(JSON.stringify(spec)), 'azure');
    expect(served).toEqual(here);
    expect(Object.keys((served as { resource: object }).resource).length).toBeGreaterThan(10);
    // And the cache hands the suites that same data.
    expect(cachedSynth('cloudOutput', [spec, 'azure'], ['azure'])).toEqual(here);
  });
});
