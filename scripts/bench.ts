/*
 * `npm run bench`: cold-process timings of what a platform team runs, on this machine, written
 * to docs/benchmarks.md. Every command runs as a fresh process under /usr/bin/time (wall, user,
 * system CPU); peak memory is the sum of the resident sets of the whole process tree, sampled
 * every 20 ms (jest and the CLI use several threads or processes). N runs each (5 by default),
 * median and spread (min-max). The naive baseline (the same stacks started the way the CDK and
 * CDKTF project templates start them: ts-node with type checking, provider root imports) runs in
 * the same session, round-robin with the other light cases, so the ratios compare like with like
 * on a shared, noisy machine.
 *
 *   npm run bench [-- --runs N] [--heavy-runs N] [--only a,b] [--skip-ci] [--out FILE]
 *
 * --heavy-runs sets the runs of the whole-suite cases (npm test cold/warm, .ci/run; default
 * --runs); --only keeps the cases whose id starts with one of the given prefixes.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { COMPILE_CACHE_ENV } from '../lib/compile-cache';
import type { Spec } from '../lib/spec';
import { GUARD_CACHE_ENV } from '../stacks/aws-guard-cache';

export const ROOT = path.resolve(
  __dirname,
  '..',
  fs.existsSync(path.resolve(__dirname, '..', 'package.json')) ? '' : '..',
);
const CLI = path.join(ROOT, 'dist', 'bin', 'blueprint.js');
const EXAMPLE = path.join(ROOT, 'examples', 'shop-api.yaml');
const BASELINE = path.join(ROOT, 'bench', 'baseline');
const TIME = '/usr/bin/time';

/** One measured run. */
export interface Run {
  readonly wall: number;
  readonly cpu: number;
  /** Peak resident memory of the process tree, MB. */
  readonly rssMb: number;
  readonly status: number;
}

/** One benchmark case. */
interface Case {
  readonly id: string;
  readonly title: string;
  /** Shown in the report. */
  readonly shown: string;
  readonly argv: readonly string[];
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** Exit codes that count as success. */
  readonly ok?: readonly number[];
  /** Runs before each measured run (not timed): e.g. clearing caches. */
  readonly before?: () => void;
  readonly heavy?: boolean;
  /** The goal, in seconds of median wall time, and how it reads. */
  readonly goal?: { seconds?: number; mb?: number; text: string };
}

/** Median and spread of a list of numbers. */
export function stats(values: readonly number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

/** A process's resident set (kB) from /proc; 0 when it has ended. */
function rssKb(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The children of `pid` (every thread's), or undefined when the kernel does not list them. */
function childrenOf(pid: number): number[] | undefined {
  let threads: string[];
  try {
    threads = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const tid of threads) {
    try {
      const listed = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (listed) children.push(...listed.split(' ').map(Number));
    } catch (error) {
      // Only a kernel without CONFIG_PROC_CHILDREN lacks the file of a live thread.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync(`/proc/${pid}/task/${tid}`))
        return undefined;
    }
  }
  return children;
}

/** Parent of every process, from a scan of all of /proc (the fallback of childrenOf). */
function parentTable(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1] ?? 0);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while being read.
    }
  }
  return children;
}

/**
 * `root` and all its descendants. Only the tree's own processes are read (their children lists):
 * scanning every process of the machine cost ~1.5 ms of CPU a sample with 80 processes running,
 * 7% of a core at one sample per 20 ms, taken from the run being measured on two cores.
 * @param scanAll find children by scanning every process (what a kernel without children lists needs) @default false
 */
export function treePids(root: number, scanAll = false): number[] {
  let scan = scanAll ? parentTable() : undefined;
  const pids: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    pids.push(pid);
    let children = scan ? undefined : childrenOf(pid);
    if (children === undefined) {
      scan ??= parentTable();
      children = scan.get(pid) ?? [];
    }
    stack.push(...children);
  }
  return pids;
}

/** Summed resident memory (kB) of `root` and all its descendants. */
const treeRssKb = (root: number): number => treePids(root).reduce((sum, pid) => sum + rssKb(pid), 0);

/** Runs one command as a fresh process under /usr/bin/time, sampling the tree's memory. */
async function measure(c: Case, log: fs.WriteStream): Promise<Run> {
  c.before?.();
  const timing = path.join(os.tmpdir(), `bench-time-${process.pid}`);
  const child = spawn(TIME, ['-f', '%e %U %S', '-o', timing, ...c.argv], {
    cwd: c.cwd ?? ROOT,
    env: { ...process.env, ...c.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  let peakKb = 0;
  const sampler = setInterval(() => {
    if (child.pid) peakKb = Math.max(peakKb, treeRssKb(child.pid));
  }, 20);
  const status = await new Promise<number>((done) => child.on('close', (code) => done(code ?? 1)));
  clearInterval(sampler);
  const line = fs.readFileSync(timing, 'utf8').trim().split('\n').pop() ?? '';
  fs.rmSync(timing, { force: true });
  const [wall, user, sys] = line.split(' ').map(Number);
  return { wall: wall ?? 0, cpu: (user ?? 0) + (sys ?? 0), rssMb: peakKb / 1024, status };
}

const tmp = (name: string) => path.join(os.tmpdir(), `blueprint-bench-${process.pid}-${name}`);

/** Writes a variant of the example spec; `edit` changes the parsed YAML in place. */
function specVariant(name: string, edit: (spec: Spec) => void): string {
  const spec = parseYaml(fs.readFileSync(EXAMPLE, 'utf8')) as Spec;
  edit(spec);
  const file = tmp(`${name}.yaml`);
  fs.writeFileSync(file, stringifyYaml(spec));
  return file;
}

/** `blueprint validate`'s verdict on a spec file: undefined when valid, else its output. */
function validationProblem(file: string): string | undefined {
  const r = spawnSync(process.execPath, [CLI, 'validate', '--spec', file], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `${r.stdout}${r.stderr}`;
}

/** The large spec of issue 12, and what AWS accepts of it (CloudFormation's 500-resource limit). */
function largeSpecs(): { full: string; aws: string; awsShards: number; refusal?: string } {
  const large = (spec: Spec, shards: number) => {
    spec.database = { ...spec.database, shards, readReplicas: 3 };
    spec.cache = { ...spec.cache, shards: 8 };
    spec.compute = { ...spec.compute, maxInstances: 200 };
  };
  const full = specVariant('large', (s) => large(s, 16));
  const refusal = validationProblem(full);
  if (!refusal) return { full, aws: full, awsShards: 16 };
  // The largest database shard count AWS takes in one stack, every other field as asked.
  for (let shards = 15; shards >= 1; shards--) {
    const aws = specVariant(`large-aws-${shards}`, (s) => {
      large(s, shards);
      s.clouds = ['aws'];
    });
    if (!validationProblem(aws)) {
      const rest = specVariant('large-tf', (s) => {
        large(s, 16);
        s.clouds = ['gcp', 'azure'];
      });
      const tfRefusal = validationProblem(rest);
      if (tfRefusal) throw new Error(`the large spec is refused on GCP/Azure too:\n${tfRefusal}`);
      return { full: rest, aws, awsShards: shards, refusal };
    }
  }
  throw new Error(`no database shard count fits AWS:\n${refusal}`);
}

/** A copy of the repository as a fresh clone has it (committed files only), node_modules linked. */
function freshTree(): string {
  const dir = tmp('clone');
  fs.rmSync(dir, { recursive: true, force: true });
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, dir]);
  return dir;
}

/** What a fresh clone lacks after `npm ci` (which builds dist/): the jest, synthesis, code and verdict caches. */
const rmCaches = (root: string) => () => {
  fs.rmSync(path.join(root, 'node_modules', '.cache'), { recursive: true, force: true });
};

const emptyDir = (dir: string) => () => fs.rmSync(dir, { recursive: true, force: true });

function cases(): { list: Case[]; notes: string[] } {
  const notes: string[] = [];
  const synth = (out: string, ...args: string[]) => [process.execPath, CLI, 'synth', '--out', tmp(out), ...args];
  const shownSynth = (...args: string[]) => ['blueprint synth', ...args].join(' ');
  const large = largeSpecs();
  if (large.refusal) {
    notes.push(
      `The large spec (16 database shards x 3 replicas, 8 cache shards, max 200 instances) is refused on AWS by validation (CloudFormation's 500-resource limit per stack): ${large.refusal.trim().split('\n').slice(-1)[0]?.trim()}. AWS runs the largest spec that fits (${large.awsShards} database shards, the rest as asked); GCP and Azure run the full spec.`,
    );
  }
  const changed = specVariant('changed', (s) => {
    s.compute.maxInstances = (s.compute.maxInstances ?? 10) + 4;
  });
  const tsNode = path.join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
  const baselineEnv = { TS_NODE_PROJECT: path.join(BASELINE, 'tsconfig.json'), TS_NODE_COMPILER: 'typescript5' };
  const list: Case[] = [
    {
      id: 'synth-all',
      title: 'synth, all three clouds, every gate',
      shown: shownSynth(),
      argv: synth('all'),
      goal: { seconds: 3, mb: 500, text: '≤ 3 s, ≤ 500 MB' },
    },
    {
      id: 'synth-nochecks',
      title: 'synth, all three clouds, no gates',
      shown: shownSynth('--no-checks'),
      argv: synth('nochecks', '--no-checks'),
      goal: { seconds: 1.2, text: '≤ 1.2 s' },
    },
    // The first case reads cfn-guard's verdicts of the previous runs (stacks/aws-guard-cache.ts);
    // without them, every Guard group runs, as for a spec whose every service changed.
    {
      id: 'synth-all-noguardcache',
      title: 'synth, all three clouds, every gate, no kept cfn-guard verdicts',
      shown: `${GUARD_CACHE_ENV}=off ${shownSynth()}`,
      argv: synth('all-noguardcache'),
      env: { [GUARD_CACHE_ENV]: 'off' },
    },
    // The cases above read the code cache the previous runs wrote (lib/compile-cache.ts). In a
    // fresh cache directory the first run only marks it (a CI runner that synthesizes once) and
    // the second writes it: each measured here from a fresh directory. The first also starts
    // with no cfn-guard verdicts, as a fresh runner does.
    {
      id: 'synth-all-first',
      title: 'synth, all three clouds, every gate, first run (fresh code cache: marks it; no cfn-guard verdicts)',
      shown: `${COMPILE_CACHE_ENV}=<empty dir> ${GUARD_CACHE_ENV}=<empty dir> ${shownSynth()}`,
      argv: synth('all-first'),
      env: { [COMPILE_CACHE_ENV]: tmp('compile-cache'), [GUARD_CACHE_ENV]: tmp('guard-cache') },
      before: () => {
        emptyDir(tmp('compile-cache'))();
        emptyDir(tmp('guard-cache'))();
      },
    },
    {
      id: 'synth-all-second',
      title: 'synth, all three clouds, every gate, second run (writes the code cache)',
      shown: `${COMPILE_CACHE_ENV}=<marked dir> ${shownSynth()}`,
      argv: synth('all-second'),
      env: { [COMPILE_CACHE_ENV]: tmp('compile-cache') },
      before: () => {
        emptyDir(tmp('compile-cache'))();
        execFileSync(process.execPath, [CLI, 'synth', '--out', tmp('all-second')], {
          env: { ...process.env, [COMPILE_CACHE_ENV]: tmp('compile-cache') },
          stdio: 'ignore',
        });
      },
    },
    {
      id: 'synth-aws',
      title: 'synth, AWS alone (gates)',
      shown: shownSynth('--cloud aws'),
      argv: synth('aws', '--cloud', 'aws'),
    },
    {
      id: 'synth-aws-nochecks',
      title: 'synth, AWS alone, no gates',
      shown: shownSynth('--cloud aws --no-checks'),
      argv: synth('aws-nochecks', '--cloud', 'aws', '--no-checks'),
    },
    {
      id: 'synth-gcp',
      title: 'synth, GCP alone',
      shown: shownSynth('--cloud gcp'),
      argv: synth('gcp', '--cloud', 'gcp'),
    },
    {
      id: 'synth-azure',
      title: 'synth, Azure alone',
      shown: shownSynth('--cloud azure'),
      argv: synth('azure', '--cloud', 'azure'),
    },
    {
      id: 'synth-large-aws',
      title: `synth, large spec on AWS (${large.awsShards} database shards), every gate`,
      shown: shownSynth('--spec large-aws.yaml'),
      argv: synth('large-aws', '--spec', large.aws),
    },
    {
      id: 'synth-large-tf',
      title: 'synth, large spec on GCP + Azure (16 database shards)',
      shown: shownSynth('--spec large.yaml'),
      argv: synth('large-tf', '--spec', large.full),
    },
    {
      id: 'diff',
      title: 'diff, example vs one field changed (compute.maxInstances), all clouds',
      shown: 'blueprint diff --from examples/shop-api.yaml --spec changed.yaml',
      argv: [process.execPath, CLI, 'diff', '--from', EXAMPLE, '--spec', changed],
      ok: [0, 3],
    },
    {
      id: 'typecheck',
      title: 'type check (tsc 7, whole project)',
      shown: 'npm run typecheck',
      argv: ['npm', 'run', '--silent', 'typecheck'],
      goal: { seconds: 3, text: '≤ 3 s' },
    },
    {
      id: 'baseline-aws',
      title: 'baseline: AWS stack as `cdk init` starts it (ts-node, type checking, TS 5), every gate',
      shown: 'ts-node --prefer-ts-exts bench/baseline/aws.ts',
      argv: [process.execPath, tsNode, '--prefer-ts-exts', path.join(BASELINE, 'aws.ts')],
      env: { ...baselineEnv, CDK_OUTDIR: tmp('baseline-aws') },
    },
    {
      id: 'baseline-tf',
      title: 'baseline: GCP + Azure as `cdktf init` starts them (ts-node, type checking, provider root imports)',
      shown: 'ts-node bench/baseline/terraform.ts',
      argv: [process.execPath, tsNode, path.join(BASELINE, 'terraform.ts')],
      env: { ...baselineEnv, CDKTF_OUTDIR: tmp('baseline-tf') },
    },
  ];
  // A failing test is the suite's verdict, not the benchmark's: counted and reported, timed all the same.
  const jest = (name: string) => ['npm', 'test', '--silent', '--', '--json', `--outputFile=${tmp(`${name}.json`)}`];
  list.push(
    {
      id: 'test-cold',
      title: 'npm test, cold: no jest cache, no synthesis cache (a fresh clone after npm ci)',
      shown: 'npm test (caches removed before each run)',
      argv: jest('test-cold'),
      before: rmCaches(ROOT),
      ok: [0, 1],
      heavy: true,
      goal: { seconds: 40, text: '≤ 40 s' },
    },
    {
      id: 'test-warm',
      title: 'npm test, warm (caches of the previous run)',
      shown: 'npm test',
      argv: jest('test-warm'),
      ok: [0, 1],
      heavy: true,
      goal: { seconds: 25, text: '≤ 25 s' },
    },
  );
  return { list, notes };
}

interface Options {
  runs: number;
  heavyRuns: number;
  only?: string[];
  skipCi: boolean;
  out: string;
}

function options(argv: readonly string[]): Options {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const runs = Number(value('--runs') ?? 5);
  return {
    runs,
    heavyRuns: Number(value('--heavy-runs') ?? runs),
    ...(value('--only') ? { only: (value('--only') as string).split(',') } : {}),
    skipCi: argv.includes('--skip-ci'),
    out: path.resolve(ROOT, value('--out') ?? path.join('docs', 'benchmarks.md')),
  };
}

/** `.ci/run` timed per step: wall seconds and whether a command of the step failed. */
interface CiResult {
  readonly total: number;
  readonly steps: Array<[string, number, boolean]>;
  readonly status: number;
}

/** `.ci/run` on a fresh clone, once, timed per step (its `=== step ===` lines). */
async function ciSteps(log: fs.WriteStream): Promise<CiResult> {
  const clone = freshTree();
  const started = Date.now();
  const steps: Array<[string, number, boolean]> = [];
  let current: { name: string; at: number; failed: boolean } | undefined;
  // Every step runs and is timed even when an earlier one fails (the exit code still tells).
  const script = fs
    .readFileSync(path.join(clone, '.ci', 'run'), 'utf8')
    .replace(/^set -euo pipefail$/m, `set -uo pipefail\ntrap 'echo "!!! failed: $BASH_COMMAND"' ERR`);
  // $0 is the script's own path, as when bash runs the file: it starts with `cd "$(dirname "$0")/.."`.
  const child = spawn('bash', ['-c', script, path.join(clone, '.ci', 'run')], {
    cwd: clone,
    env: { ...process.env, CI: 'true' },
  });
  const onLine = (line: string) => {
    log.write(`${line}\n`);
    if (line.startsWith('!!! failed:') && current) current.failed = true;
    // .ci/run's step lines also give the second they start at: "=== name (at 65 s) ===".
    const m = /^=== (.*?)(?: \(at \d+ s\))? ===$/.exec(line);
    if (!m) return;
    if (current) steps.push([current.name, (Date.now() - current.at) / 1000, current.failed]);
    current = { name: m[1] ?? '', at: Date.now(), failed: false };
  };
  let buffer = '';
  const feed = (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    lines.forEach(onLine);
  };
  child.stdout.on('data', feed);
  child.stderr.on('data', feed);
  const status = await new Promise<number>((done) => child.on('close', (code) => done(code ?? 1)));
  if (current) steps.push([current.name, (Date.now() - current.at) / 1000, current.failed]);
  fs.rmSync(clone, { recursive: true, force: true });
  return { total: (Date.now() - started) / 1000, steps, status: steps.some(([, , failed]) => failed) ? 1 : status };
}

function machine(): string[] {
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  return [
    `- ${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB memory, ${os.type()} ${os.release()}`,
    `- Node.js ${process.version}; load average at start ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} (1 / 5 / 15 min: the machine is shared, other work runs beside the benchmark)`,
  ];
}

const fmt = (s: number) => (s >= 100 ? s.toFixed(0) : s >= 10 ? s.toFixed(1) : s.toFixed(2));

async function main(): Promise<number> {
  const opts = options(process.argv.slice(2));
  if (!fs.existsSync(TIME)) {
    // Debian's `time` package provides /usr/bin/time.
    execFileSync('apt-get', ['install', '-y', '-qq', 'time'], { stdio: 'inherit' });
  }
  const logFile = tmp('log.txt');
  const log = fs.createWriteStream(logFile);
  const header = machine();
  const { list, notes } = cases();
  const selected = list.filter((c) => !opts.only || opts.only.some((p) => c.id.startsWith(p)));
  const results = new Map<string, Run[]>(selected.map((c) => [c.id, []]));
  // The light cases run round-robin (run 1 of every case, then run 2, ...): the load of this shared
  // machine drifts over minutes, and measured one case after another a ratio such as baseline /
  // synth compared different minutes. The whole-suite cases follow, in their order (warm after cold).
  const light = selected.filter((c) => !c.heavy);
  const schedule = [
    ...Array.from({ length: opts.runs }, () => light).flat(),
    ...selected.filter((c) => c.heavy).flatMap((c) => Array.from({ length: opts.heavyRuns }, () => c)),
  ];
  for (const c of schedule) {
    const r = await measure(c, log);
    if (!(c.ok ?? [0]).includes(r.status)) {
      process.stderr.write(`bench: ${c.id} exited ${r.status} (log: ${logFile})\n`);
      return 1;
    }
    const runs = results.get(c.id) ?? [];
    runs.push(r);
    process.stderr.write(
      `${c.id} #${runs.length}: ${r.wall.toFixed(2)} s, ${r.cpu.toFixed(2)} s CPU, ${r.rssMb.toFixed(0)} MB\n`,
    );
  }
  for (const id of ['test-cold', 'test-warm']) {
    const file = tmp(`${id}.json`);
    if (!fs.existsSync(file)) continue;
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, number>;
    notes.push(
      `${id}: ${j.numTotalTests} tests in ${j.numTotalTestSuites} files, ${j.numPassedTests} passed, ${j.numFailedTests} failed.`,
    );
  }
  const ci = opts.skipCi || (opts.only && !opts.only.some((p) => 'ci'.startsWith(p))) ? undefined : await ciSteps(log);
  log.end();
  fs.writeFileSync(opts.out, report({ header, notes, list: selected, results, ci, opts }));
  process.stderr.write(`bench: wrote ${path.relative(process.cwd(), opts.out)} (log: ${logFile})\n`);
  return 0;
}

interface ReportInput {
  readonly header: string[];
  readonly notes: string[];
  readonly list: readonly Case[];
  readonly results: ReadonlyMap<string, Run[]>;
  readonly ci?: CiResult;
  readonly opts: Options;
}

function report({ header, notes, list, results, ci, opts }: ReportInput): string {
  const median = (id: string, f: (r: Run) => number) => stats((results.get(id) ?? []).map(f)).median;
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (scripts/bench.ts) on ${new Date().toISOString().slice(0, 10)}. Cold processes; wall`,
    'time median and spread (min-max) of the runs; CPU = user + system time of the whole process tree;',
    'memory = peak of the summed resident sets of the process tree, sampled every 20 ms. The machine is',
    'shared: absolute times move with the load of the moment, the ratios of one run are what to quote',
    '(the single-process cases run round-robin, run 1 of each case, then run 2, ..., so each ratio',
    'compares the same minutes).',
    '',
    '## Machine',
    '',
    ...header,
    '',
    '## Results',
    '',
    '| case | command | runs | wall median | spread | CPU median | peak memory | goal |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const c of list) {
    const runs = results.get(c.id) ?? [];
    if (runs.length === 0) continue;
    const w = stats(runs.map((r) => r.wall));
    const mem = stats(runs.map((r) => r.rssMb)).max;
    const goal = c.goal
      ? `${c.goal.text}: ${(c.goal.seconds === undefined || w.median <= c.goal.seconds) && (c.goal.mb === undefined || mem <= c.goal.mb) ? 'met' : 'not met'}`
      : '';
    lines.push(
      `| ${c.title} | \`${c.shown}\` | ${runs.length} | ${fmt(w.median)} s | ${fmt(w.min)}-${fmt(w.max)} s | ${fmt(median(c.id, (r) => r.cpu))} s | ${mem.toFixed(0)} MB | ${goal} |`,
    );
  }
  const measured = (ids: readonly string[]) => ids.every((id) => (results.get(id) ?? []).length > 0);
  const ratio = (a: string[], b: string[], f: (r: Run) => number) => {
    const sum = (ids: string[]) => ids.reduce((s, id) => s + median(id, f), 0);
    return measured(a) && measured(b) ? sum(a) / sum(b) : undefined;
  };
  const lines2: string[] = [];
  const baselineVsOurs = ratio(['baseline-aws', 'baseline-tf'], ['synth-all'], (r) => r.wall);
  if (baselineVsOurs !== undefined) {
    const cpu = ratio(['baseline-aws', 'baseline-tf'], ['synth-all'], (r) => r.cpu) ?? 0;
    lines2.push(
      '',
      '## Against the naive baseline (same session)',
      '',
      'The same stacks, every gate, started the way the project templates start them: the CDK stack with',
      '`ts-node` type checking (TypeScript 5, the aliased `typescript5` devDependency: ts-node cannot load',
      'TypeScript 7), the Terraform stacks the same way with the provider packages imported from their root',
      '(`import * as google from "@cdktf/provider-google"`). Both together against `blueprint synth` of all',
      'three clouds:',
      '',
      `- wall time: baseline ${fmt(median('baseline-aws', (r) => r.wall) + median('baseline-tf', (r) => r.wall))} s vs ${fmt(median('synth-all', (r) => r.wall))} s: **${baselineVsOurs.toFixed(1)}x** faster (goal ≥ 10x: ${baselineVsOurs >= 10 ? 'met' : 'not met'})`,
      `- CPU time: **${cpu.toFixed(1)}x** less`,
      `- the first run in a fresh code cache (\`synth-all-first\`, as on a fresh CI runner): ${fmt(median('synth-all-first', (r) => r.wall))} s, ${(ratio(['baseline-aws', 'baseline-tf'], ['synth-all-first'], (r) => r.wall) ?? 0).toFixed(1)}x faster (the baseline caches nothing between runs)`,
      `- with no kept cfn-guard verdicts (\`synth-all-noguardcache\`, every Guard group run, as for a spec whose every service changed): ${fmt(median('synth-all-noguardcache', (r) => r.wall))} s, ${(ratio(['baseline-aws', 'baseline-tf'], ['synth-all-noguardcache'], (r) => r.wall) ?? 0).toFixed(1)}x faster`,
      `- peak memory: baseline ${Math.max(...['baseline-aws', 'baseline-tf'].flatMap((id) => (results.get(id) ?? []).map((r) => r.rssMb))).toFixed(0)} MB (larger of the two) vs ${Math.max(...(results.get('synth-all') ?? []).map((r) => r.rssMb)).toFixed(0)} MB`,
    );
  }
  const largeVsExample = ratio(['synth-large-aws'], ['synth-all'], (r) => r.wall);
  if (largeVsExample !== undefined) {
    const tf = ratio(['synth-large-tf'], ['synth-all'], (r) => r.wall) ?? 0;
    lines2.push(
      '',
      '## How cost grows with the spec',
      '',
      `- large spec on AWS vs the example on all clouds: ${largeVsExample.toFixed(2)}x (goal ≤ 2x: ${largeVsExample <= 2 ? 'met' : 'not met'}); on GCP + Azure: ${tf.toFixed(2)}x`,
    );
  }
  if (ci) {
    lines2.push(
      '',
      '## `.ci/run` on a fresh clone (once)',
      '',
      `Total ${fmt(ci.total)} s (exit ${ci.status}; goal ≤ 240 s including installs: ${ci.total <= 240 && ci.status === 0 ? 'met' : 'not met'}).`,
      '',
      '| step | wall | result |',
      '|---|---|---|',
      ...ci.steps.map(([name, s, failed]) => `| ${name} | ${fmt(s)} s | ${failed ? 'failed' : 'ok'} |`),
    );
  }
  if (notes.length > 0) lines2.push('', '## Notes', '', ...notes.map((n) => `- ${n}`));
  lines2.push(
    '',
    `Runs: ${opts.runs} per case, ${opts.heavyRuns} for the whole-suite cases. Load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}.`,
    '',
  );
  return [...lines, ...lines2].join('\n');
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
