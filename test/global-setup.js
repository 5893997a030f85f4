// Bounds the synthesis cache, then builds dist/ once before the suites that run the CLI and the
// cdk/cdktf apps as processes, so `npx jest` alone never tests stale JavaScript (swc compiles the
// tree in well under a second), then starts the synthesis server that makes missing cache entries.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { SYNTH_SERVER_ENV, startSynthServer } = require('./support/synth-server');

/** Entries unused this long are removed: each edit of the sources makes new ones (~14 MB a tree). */
const SYNTH_CACHE_MAX_AGE_MS = 3 * 24 * 3600_000;
/** Beyond this size the least recently used entries go too. */
const SYNTH_CACHE_MAX_BYTES = 500 * 1024 * 1024;

/** Bounds test/support/synth-cache.ts's directory: a hit marks an entry used, the oldest go first. */
function pruneSynthCache(dir, maxAgeMs = SYNTH_CACHE_MAX_AGE_MS, maxBytes = SYNTH_CACHE_MAX_BYTES) {
  const entries = (fs.existsSync(dir) ? fs.readdirSync(dir) : [])
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ file: path.join(dir, f), stat: fs.statSync(path.join(dir, f), { throwIfNoEntry: false }) }))
    .filter((e) => e.stat)
    .sort((a, b) => b.stat.mtimeMs - a.stat.mtimeMs);
  let bytes = 0;
  for (const { file, stat } of entries) {
    bytes += stat.size;
    if (Date.now() - stat.mtimeMs > maxAgeMs || bytes > maxBytes) fs.rmSync(file, { force: true });
  }
}

module.exports = async (globalConfig) => {
  const root = path.join(__dirname, '..');
  pruneSynthCache(path.join(root, 'node_modules', '.cache', 'scaling-blueprint', 'synth'));
  execFileSync(
    process.execPath,
    [
      require.resolve('@swc/cli/bin/swc.js'),
      'api',
      'lib',
      'bin',
      'constructs',
      'stacks',
      // The synthesis server's operations, beside the dist/ they load (test/support/synth-server.js).
      'test/support/synth-ops.ts',
      '-d',
      'dist',
      '--quiet',
      '--config-file',
      '.swcrc',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  // Missing synthesis-cache entries are made there (test/support/synth-server.js): as many threads as
  // jest runs workers, since each worker waits for its own. Ended by global-teardown.js.
  if (process.env[SYNTH_SERVER_ENV] !== 'off' && process.env.BLUEPRINT_SYNTH_CACHE !== 'off') {
    const ops = path.join(root, 'dist', 'test', 'support', 'synth-ops.js');
    const server = startSynthServer(ops, Math.min(globalConfig.maxWorkers, os.availableParallelism()));
    process.env[SYNTH_SERVER_ENV] = server.queue;
    globalThis.__blueprintSynthServer = server;
  }
};
module.exports.pruneSynthCache = pruneSynthCache;
