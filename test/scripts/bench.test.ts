import { type ChildProcess, spawn } from 'node:child_process';
import { stats, treePids } from '../../scripts/bench';

/** A process that starts a child which starts one more, each printing its pid and its descendants', all sleeping until killed. */
const SLEEPER = 'setInterval(() => {}, 1000); console.log(process.pid)';
const parentOf = (script: string) => `const { spawn } = require('node:child_process');
  const c = spawn(process.execPath, ['-e', ${JSON.stringify(script)}], { stdio: ['ignore', 'pipe', 'ignore'] });
  c.stdout.once('data', (d) => console.log(process.pid + ' ' + String(d).trim()));
  setInterval(() => {}, 1000);`;

function startTree(): Promise<{ root: ChildProcess; pids: number[] }> {
  const root = spawn(process.execPath, ['-e', parentOf(parentOf(SLEEPER))], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((done) =>
    root.stdout?.once('data', (d) => done({ root, pids: String(d).trim().split(' ').map(Number) })),
  );
}

describe('npm run bench: measuring', () => {
  it('GIVEN a process tree WHEN its memory is sampled THEN every descendant is found, as a scan of all processes finds them, and nothing else', async () => {
    const { root, pids } = await startTree();
    try {
      const numeric = (a: number, b: number) => a - b;
      expect(pids).toHaveLength(3);
      expect(pids[0]).toBe(root.pid);
      const found = treePids(root.pid as number).sort(numeric);
      expect(found).toEqual([...pids].sort(numeric));
      expect(treePids(root.pid as number, true).sort(numeric)).toEqual(found);
      expect(found).not.toContain(process.pid);
    } finally {
      root.kill('SIGKILL');
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone with its parent.
        }
      }
    }
  });

  it('GIVEN a process that has ended WHEN sampled THEN its tree is only itself', () => {
    expect(treePids(2 ** 22 + 7)).toEqual([2 ** 22 + 7]);
  });

  it('GIVEN run times THEN the median of an even count is the mean of the middle two, and the spread is min-max', () => {
    expect(stats([3, 1, 2, 10])).toEqual({ median: 2.5, min: 1, max: 10 });
    expect(stats([5])).toEqual({ median: 5, min: 5, max: 5 });
  });
});
