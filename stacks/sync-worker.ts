import { createHash } from 'node:crypto';
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
  type WorkerOptions,
} from 'node:worker_threads';
import { compileCacheRoot } from '../lib/compile-cache';

/*
 * A worker thread the calling thread can wait for synchronously. Synthesis is synchronous (the
 * CDK calls validation plugins synchronously, tests and the CLI call synthesize() directly), so
 * work handed to another core is collected with Atomics.wait on a shared flag, and the reply read
 * with receiveMessageOnPort: no event loop turn is needed on the waiting side.
 */

/**
 * Worker-side prelude: `serve(handler)` answers each call in turn, replying `{ result }` or
 * `{ error }` and then raising the caller's flag. `init(fn)` runs set-up whose failure every
 * later call reports (a worker that died silently would leave its caller waiting); the source
 * itself runs the same way (see WORKER_SOURCE), so an error while it loads is reported too.
 */
const SERVE = `
const { workerData: __wd } = require('node:worker_threads');
// The parent's code cache (lib/compile-cache.ts), on before the source loads anything.
let __cache;
try {
  const cc = __wd.compileCache;
  if (cc) (__cache = require(cc.module)).enableCompileCache(cc.root, cc.pack);
} catch {
  __cache = undefined;
}
let __initError;
let __serving = false;
// Tells a waiting caller this thread is ending (process.exit, an uncaught error): no answer comes.
process.on('exit', () => {
  const ended = new Int32Array(__wd.ended);
  Atomics.store(ended, 0, 1);
  Atomics.notify(ended, 0);
});
function init(fn) { try { fn(); } catch (e) { __initError = e; } }
function serve(handler) {
  if (__serving) return;
  __serving = true;
  __wd.port.on('message', async ({ request, flag, last }) => {
    let reply;
    try {
      if (__initError) throw __initError;
      reply = { result: await handler(request) };
    } catch (e) {
      reply = { error: e instanceof Error ? { message: e.message, name: e.name, stack: e.stack } : { message: String(e), name: 'Error' } };
    }
    // New code-cache entries are written after the caller wakes, beside its own work; \`flushing\`
    // is raised first, so a caller about to end the process waits for the write (SyncWorker).
    const flushing = __cache && __cache.compileCachePending() > 0 ? new Int32Array(__wd.flushing) : undefined;
    if (flushing) Atomics.store(flushing, 0, 1);
    __wd.port.postMessage(reply);
    const f = new Int32Array(flag);
    Atomics.store(f, 0, 1);
    Atomics.notify(f, 0);
    if (flushing) {
      try {
        __cache.flushCompileCache();
      } catch {}
      Atomics.store(flushing, 0, 0);
      Atomics.notify(flushing, 0);
    }
    // The caller sends nothing more: end now, so the engine's memory goes before the caller is done.
    if (last) process.exit(0);
  });
}
`;

/** The worker's whole code: a source that throws while it loads answers every call with that error. */
const WORKER_SOURCE = (source: string) =>
  `${SERVE}\ntry {\n${source}\n} catch (e) {\n  __initError = e;\n  serve(() => undefined);\n}\n`;

/** How often a waiting caller checks that its worker has not ended. */
const ALIVE_CHECK_MS = 50;
/** The longest an ending process waits for its workers' code-cache writes (measured: ~0.1 s each). */
const CACHE_WRITE_WAIT_MS = 5_000;

/** Running workers that may be writing their code-cache pack: one exit listener waits for all of them. */
const writers = new Set<SyncWorker>();
let waitingAtExit = false;

function awaitCacheWritesAtExit(worker: SyncWorker, thread: Worker): void {
  if (!waitingAtExit) {
    waitingAtExit = true;
    process.once('exit', () => {
      const deadline = Date.now() + CACHE_WRITE_WAIT_MS;
      for (const w of writers) w.awaitCacheWrite(deadline);
    });
  }
  writers.add(worker);
  // An ended worker has written its pack (it flushes before it exits): nothing to wait for, nothing kept.
  thread.once('exit', () => writers.delete(worker));
}

interface Reply {
  readonly result?: unknown;
  readonly error?: { message: string; name: string; stack?: string };
}

/** One worker thread running `source` (CommonJS, after the SERVE prelude), called synchronously. */
export class SyncWorker {
  private readonly port: MessagePort;
  private readonly worker: Worker;
  /** Raised by the worker's exit handler. */
  private readonly ended = new Int32Array(new SharedArrayBuffer(4));
  /** Raised by the worker while it writes its code-cache pack, after a reply. */
  private readonly flushing = new Int32Array(new SharedArrayBuffer(4));

  /**
   * @param source the worker's code: it calls `serve(request => result)` once
   * @param data available to the source as `__wd` (`port`, `ended`, `flushing` and `compileCache` are reserved)
   */
  constructor(source: string, data: Record<string, unknown> = {}, options: Pick<WorkerOptions, 'resourceLimits'> = {}) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const cache = compileCacheRoot();
    this.worker = new Worker(WORKER_SOURCE(source), {
      eval: true,
      workerData: {
        ...data,
        port: port2,
        ended: this.ended.buffer,
        flushing: this.flushing.buffer,
        // One pack per kind of worker (its source): the threads that load the same modules.
        compileCache: cache
          ? {
              module: require.resolve('../lib/compile-cache'),
              root: cache,
              pack: `worker-${createHash('sha1').update(source).digest('hex').slice(0, 12)}`,
            }
          : undefined,
      },
      transferList: [port2],
      ...options,
    });
    // Never keeps the process alive: a one-shot CLI exits when its main thread is done, after the
    // worker's code-cache write in progress (bounded: a worker that ends mid-write is not waited for).
    this.worker.unref();
    if (cache) awaitCacheWritesAtExit(this, this.worker);
    // A crash is reported by the waiting caller (see send); without a listener, the event
    // would end the process with a stack trace.
    this.worker.on('error', () => undefined);
  }

  /** Blocks while the worker writes its code-cache pack, until `deadline` (ms since the epoch) at the latest. */
  awaitCacheWrite(deadline: number): void {
    while (Atomics.load(this.flushing, 0) === 1 && Atomics.load(this.ended, 0) === 0 && Date.now() < deadline) {
      Atomics.wait(this.flushing, 0, 1, ALIVE_CHECK_MS);
    }
  }

  /** True once a request was sent as the last one: the worker ends after answering it. */
  public closing = false;

  /**
   * Sends `request` now; the returned function blocks until the worker answers (its error
   * rethrown there). With `last`, the worker ends as soon as it has answered.
   */
  send<T>(
    request: unknown,
    { timeoutMs = 300_000, last = false }: { timeoutMs?: number; last?: boolean } = {},
  ): () => T {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    this.closing ||= last;
    this.port.postMessage({ request, flag: flag.buffer, last });
    return () => {
      // Waits in short slices: a worker that ended without answering never raises the flag, and
      // no event can reach this blocked thread, so the worker's exit handler raises `ended`.
      const deadline = Date.now() + timeoutMs;
      while (Atomics.wait(flag, 0, 0, ALIVE_CHECK_MS) === 'timed-out') {
        if (Atomics.load(this.ended, 0) === 1 && Atomics.load(flag, 0) === 0) {
          throw new Error('a synthesis worker stopped before it answered (an uncaught error or process.exit in it)');
        }
        if (Date.now() > deadline) throw new Error(`a synthesis worker did not answer within ${timeoutMs / 1000} s`);
      }
      const reply = receiveMessageOnPort(this.port)?.message as Reply | undefined;
      if (!reply) throw new Error('a synthesis worker answered nothing');
      if (reply.error) {
        const error = new Error(reply.error.message);
        error.name = reply.error.name;
        if (reply.error.stack) error.stack = reply.error.stack;
        throw error;
      }
      return reply.result as T;
    };
  }

  /** Sends `request` and blocks until the worker answers. */
  call<T>(request: unknown, timeoutMs?: number): T {
    return this.send<T>(request, timeoutMs === undefined ? {} : { timeoutMs })();
  }

  /** Stops the thread (its engine and memory go with it). */
  terminate(): void {
    this.port.close();
    void this.worker.terminate();
  }
}
