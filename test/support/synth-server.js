/*
 * The test synthesis server: threads of jest's main process that make the synthesis cache's
 * missing entries (test/support/synth-cache.ts) from dist/, so each engine loads once per thread
 * for the whole run instead of once in every test file that synthesizes (jest gives each file a
 * fresh module registry). A jest worker hands a request over as a file in the queue directory
 * and waits for the reply file: synthesis is synchronous, so is its caller.
 *
 * Protocol, in the directory BLUEPRINT_SYNTH_SERVER names:
 *   <id>.req   {op, args, env}: written whole (temporary file, renamed) by the asking worker;
 *   <id>.req.<thread>  the same file, renamed by the one thread that takes it;
 *   <id>.res   {result} or {error: {name, message, stack}}: renamed into place by that thread;
 *   stopped    why the server stopped (a thread ended), renamed into place whole: askers fail with
 *              that text instead of waiting.
 * BLUEPRINT_SYNTH_SERVER=off (or BLUEPRINT_SYNTH_CACHE=off) makes entries in the jest worker.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Worker, isMainThread, threadId, workerData } = require('node:worker_threads');

/** Names the queue for the jest workers (set by global-setup.js), or `off`. */
const ENV = 'BLUEPRINT_SYNTH_SERVER';

/**
 * Starts `threads` server threads (at least one) serving the operations that `opsFile` exports
 * as SYNTH_OPS (test/support/synth-ops.ts, compiled), on a new queue directory.
 * @returns the queue and the threads, for stopSynthServer()
 */
function startSynthServer(opsFile, threads) {
  const queue = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-synth-server-'));
  const workers = Array.from({ length: Math.max(1, threads) }, () => {
    const worker = new Worker(__filename, { workerData: { queue, ops: opsFile } });
    worker.unref();
    return worker;
  });
  return { queue, workers };
}

/** Writes `file` whole (a temporary file renamed): a reader never sees it empty or half written. */
function writeWhole(file, text) {
  const tmp = `${file}.${process.pid}.${threadId}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** Ends the threads and removes the queue. */
async function stopSynthServer(server) {
  writeWhole(path.join(server.queue, 'stopped'), 'the test run ended');
  await Promise.all(server.workers.map((w) => w.terminate()));
  fs.rmSync(server.queue, { recursive: true, force: true });
}

/** A server thread: takes each request in the queue in turn, forever. */
function serve({ queue, ops }) {
  const stopped = path.join(queue, 'stopped');
  // An asker waiting on this thread would wait forever: it reads why no answer comes instead.
  const stop = (why) => fs.existsSync(stopped) || writeWhole(stopped, why);
  process.on('exit', (code) => stop(`synthesis server thread ${threadId} exited (${code})`));
  let SYNTH_OPS;
  try {
    ({ SYNTH_OPS } = require(ops));
  } catch (e) {
    stop(`synthesis server thread ${threadId} could not load ${ops}: ${e instanceof Error ? e.message : e}`);
    return;
  }
  const answer = (file, reply) => writeWhole(file, JSON.stringify(reply));
  const handle = (id) => {
    const taken = path.join(queue, `${id}.req.${threadId}`);
    try {
      fs.renameSync(path.join(queue, `${id}.req`), taken);
    } catch {
      return; // Another thread took it.
    }
    let reply;
    try {
      const { op, args, env } = JSON.parse(fs.readFileSync(taken, 'utf8'));
      // The asker's BLUEPRINT_* settings (a thread's process.env is its own copy).
      for (const key of Object.keys(process.env)) if (key.startsWith('BLUEPRINT_')) delete process.env[key];
      Object.assign(process.env, env);
      reply = { result: SYNTH_OPS[op](...args) };
    } catch (e) {
      reply = {
        error: e instanceof Error ? { name: e.name, message: e.message, stack: e.stack } : { message: String(e) },
      };
    }
    answer(path.join(queue, `${id}.res`), reply);
    fs.rmSync(taken, { force: true });
  };
  const drain = () => {
    for (let more = true; more; ) {
      const ids = fs
        .readdirSync(queue)
        .filter((f) => f.endsWith('.req'))
        .map((f) => f.slice(0, -'.req'.length));
      for (const id of ids) handle(id);
      more = ids.length > 0;
    }
  };
  fs.watch(queue, drain);
  // inotify is enough on its own; this only bounds the wait should an event ever be missed.
  setInterval(drain, 500);
  drain();
}

if (!isMainThread && workerData?.ops) serve(workerData);

module.exports = { SYNTH_SERVER_ENV: ENV, startSynthServer, stopSynthServer };
