import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { main } from '../../bin/main';

/*
 * Two ways to run `blueprint`. As the process users and CI start (dist/bin/blueprint.js, built by
 * the jest global setup), for what only a process shows: its exit status, the one-shot settings,
 * the modules it loads and the engines and threads a synth starts. And inside this jest worker,
 * through the main() that process calls, for what a command decides (parsing, messages, formats,
 * exit codes): a process spends ~0.2 s of CPU on Node, the code cache, commander, zod and yaml
 * before the command starts, and the worker has them loaded already.
 */

export const ROOT = path.join(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'bin', 'blueprint.js');
/** A stack trace in a command's output: none may print one unless BLUEPRINT_DEBUG=1. */
export const STACK_TRACE = /\n\s+at .+\(.+:\d+:\d+\)|\bat Object\.<anonymous>|node:internal/;

export interface CliRun {
  /** The exit status (null if a signal ended the process). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout, then stderr. */
  readonly all: string;
}

export interface ProcessOptions {
  /** Set for the run on top of this process's environment. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Node options before the CLI's path, e.g. a preload. @default [] */
  readonly nodeArgs?: readonly string[];
}

/** Debug output off, as users run it: a stack trace in the output is then a bug. */
const QUIET = { BLUEPRINT_DEBUG: '' };

/** `blueprint <args>` as a real process, from the repository root. */
export function runProcess(args: readonly string[], options: ProcessOptions = {}): CliRun {
  const r = spawnSync(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...QUIET, ...options.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, all: `${r.stdout}${r.stderr}` };
}

/**
 * `blueprint <args>` in this worker, from the repository root: main() with stdout and stderr
 * captured as pipes (no terminal: help is not wrapped to a width, nor coloured) and the
 * environment set for the call, each put back afterwards. An exception that escapes main() fails
 * the test, as it would crash the process.
 */
export function runInWorker(args: readonly string[], env: Readonly<Record<string, string>> = {}): CliRun {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const writes = streams.map((s) => ({ write: s.write, isTTY: Object.getOwnPropertyDescriptor(s, 'isTTY') }));
  const capture = (into: string[]) =>
    ((chunk: string | Uint8Array) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
  const vars = { ...QUIET, ...env };
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const cwd = process.cwd();
  let code: number;
  try {
    process.chdir(ROOT);
    Object.assign(process.env, vars);
    streams.forEach((s, i) => {
      s.write = capture(i === 0 ? stdout : stderr);
      Object.defineProperty(s, 'isTTY', { value: false, configurable: true, writable: true });
    });
    code = main(args);
  } finally {
    streams.forEach((s, i) => {
      const saved = writes[i];
      if (!saved) return;
      s.write = saved.write;
      if (saved.isTTY) Object.defineProperty(s, 'isTTY', saved.isTTY);
      else delete (s as { isTTY?: boolean }).isTTY;
    });
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    process.chdir(cwd);
  }
  const [out, err] = [stdout.join(''), stderr.join('')];
  return { code, stdout: out, stderr: err, all: `${out}${err}` };
}
