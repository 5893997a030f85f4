import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runInWorker, runProcess, STACK_TRACE } from '../support/cli';

/*
 * `blueprint plan` (traffic, flags, JSON, chart) and `blueprint diagram`: exit codes, messages
 * naming the field or flag, never a stack trace, and a plan that loads no engine. The module
 * checks and the diagrams drawn from a synthesized stack run as real processes; what a command
 * decides before any engine starts runs in this worker (test/support/cli.ts).
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-plan-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const run = (args: string[]) => runInWorker(args);
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

/** Module requests of engines: none of them may load for plan or validate. */
const ENGINES = /^(aws-cdk-lib|cdktf|constructs|cdk-nag|@cdktf\/|@cdklabs\/|@viz-js\/)/;

/** Runs the CLI with a preload hook that records every module request of the process. */
function runRecordingModules(args: string[]): ReturnType<typeof runProcess> & { modules: string[] } {
  const hook = write(
    'hook.js',
    `const M = require('module'); const load = M._load; const seen = new Set();
     M._load = function (request, ...rest) { seen.add(request); return load.call(this, request, ...rest); };
     process.on('exit', () => require('fs').writeFileSync(process.env.LOADED_OUT, JSON.stringify([...seen])));`,
  );
  const loaded = path.join(dir, `loaded-${args[0]}.json`);
  const r = runProcess(args, { nodeArgs: ['-r', hook], env: { LOADED_OUT: loaded } });
  return { ...r, modules: JSON.parse(fs.readFileSync(loaded, 'utf8')) as string[] };
}
const BASE = [
  'name: shop-api',
  'environment: dev',
  'compute: { app: { image: ghcr.io/acme/api:1 } }',
  'alerts: { email: ops@example.com }',
  'terraform: { privateRunner: true }',
];

describe('blueprint plan', () => {
  it('GIVEN --peak-rps and --format json WHEN planned THEN the report has the capacity and per-cloud cost shape', () => {
    const r = run(['plan', '--peak-rps', '2000', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.capacity.length).toBeGreaterThan(0);
    for (const t of report.capacity) {
      expect(Object.keys(t)).toEqual(expect.arrayContaining(['tier', 'needed', 'available', 'ok', 'field', 'advice']));
    }
    for (const cloud of ['aws', 'gcp', 'azure']) {
      const cost = report.clouds[cloud].monthlyCostUsd;
      expect(cost).toMatchObject({ estimate: true, priceDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
      expect(typeof cost.atMin).toBe('number');
      expect(cost.items[0]).toEqual(
        expect.objectContaining({ item: expect.any(String), atMin: expect.any(Number), atMax: expect.any(Number) }),
      );
    }
    expect(report.note).toMatch(/estimates/);
  });

  it('GIVEN no traffic WHEN planned THEN the resolved table and the cost estimate print, and no capacity section', () => {
    const r = run(['plan']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/instance type\s+m7i\.large/);
    expect(r.stdout).toContain('Monthly cost, USD, ESTIMATE (list prices of 2026-12-01');
    expect(r.stdout).not.toContain('Capacity at the peak');
  });

  it('GIVEN a traffic section WHEN planned THEN it drives the plan, and a flag overrides one field of it', () => {
    const spec = write(
      'traffic.yaml',
      [
        ...BASE,
        'traffic: { peakRequestsPerSecond: 300, readShare: 0.5, assumptions: { connectionsPerInstance: 4 } }',
      ].join('\n'),
    );
    const fromSpec = JSON.parse(run(['plan', '--spec', spec, '--format', 'json']).stdout);
    expect(fromSpec.traffic).toMatchObject({
      peakRequestsPerSecond: 300,
      readShare: 0.5,
      assumptions: { connectionsPerInstance: 4 },
    });
    const flagged = JSON.parse(run(['plan', '--spec', spec, '--format', 'json', '--peak-rps', '900']).stdout);
    expect(flagged.traffic).toMatchObject({ peakRequestsPerSecond: 900, readShare: 0.5 });
  });

  it.each([
    [['--peak-rps', 'abc'], 'traffic.peakRequestsPerSecond (--peak-rps): must be a number (given "abc")'],
    [
      ['--peak-rps', '10', '--read-share', '2'],
      'traffic.readShare (--read-share): Too big: expected number to be <=1 (given 2)',
    ],
    [['--read-share', '0.5'], 'traffic.peakRequestsPerSecond: required (set it in the spec or pass --peak-rps)'],
    [['--peak-rps', '10', '--chart', path.join(os.tmpdir(), 'chart.png')], 'must end in .svg'],
    [['--chart', path.join(os.tmpdir(), 'chart.svg')], '--chart needs traffic'],
    [['--peak-rps', '10', '--chart', '/nonexistent-dir/c.svg'], 'cannot write (ENOENT)'],
    [['--format', 'yaml'], "argument 'yaml' is invalid"],
  ])('GIVEN plan %j WHEN run THEN exit 1 with the field or flag named and no stack trace', (args, message) => {
    const r = run(['plan', ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.all).not.toMatch(STACK_TRACE);
  });

  it('GIVEN an invalid spec WHEN planned THEN exit 1 with every problem, as validate', () => {
    const r = run([
      'plan',
      '--spec',
      write('bad.yaml', [...BASE, 'traffic: { peakRequestsPerSecond: 0, assumptions: { nope: 1 } }'].join('\n')),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('invalid spec (2 problems)');
    expect(r.stderr).toContain('traffic.peakRequestsPerSecond:');
    expect(r.stderr).toContain('traffic.assumptions.nope: unknown field');
    expect(r.all).not.toMatch(STACK_TRACE);
  });

  it('GIVEN --chart WHEN planned THEN an SVG with one panel per cloud is written', () => {
    const file = path.join(dir, 'capacity.svg');
    const r = run(['plan', '--peak-rps', '2000', '--chart', file]);
    expect(r.code).toBe(0);
    const svg = fs.readFileSync(file, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/class="title"/g)).toHaveLength(3);
  });

  it('GIVEN traffic WHEN planned THEN no cloud engine or renderer is loaded, and it answers fast', () => {
    const started = Date.now();
    const { code, modules } = runRecordingModules(['plan', '--peak-rps', '2000', '--format', 'json']);
    const elapsed = Date.now() - started;
    expect(code).toBe(0);
    expect(modules.filter((m) => ENGINES.test(m))).toEqual([]);
    // Generous for a shared 2-core machine; measured well under a second when idle.
    expect(elapsed).toBeLessThan(5000);
  });
});

describe('blueprint validate', () => {
  it('GIVEN a spec WHEN validated THEN neither a cloud engine nor the plan, diff or diagram model is loaded', () => {
    const { code, modules } = runRecordingModules(['validate', '--spec', 'examples/shop-api.yaml']);
    expect(code).toBe(0);
    expect(modules.filter((m) => ENGINES.test(m))).toEqual([]);
    // lib/change/types (the diff's format names, for its option) is plain constants.
    expect(modules.filter((m) => /(lib\/(plan|chart|cost|diagram)|lib\/change\/(?!types$)|stacks\/)/.test(m))).toEqual(
      [],
    );
    // The hook sees the CLI's own modules: the check above is not vacuous.
    expect(modules).toEqual(expect.arrayContaining(['../lib/load', 'zod']));
    // The V8 flags and the code cache come first, so every later module is compiled under them.
    const before = (a: string, b: string) => modules.indexOf(a) >= 0 && modules.indexOf(a) < modules.indexOf(b);
    expect(['./one-shot', './compile-cache'].filter((m) => !before(m, 'commander'))).toEqual([]);
  });
});

describe('blueprint diagram', () => {
  it('GIVEN --format mermaid WHEN drawn THEN Mermaid for the synthesized GCP stack goes to stdout', () => {
    const r = runProcess(['diagram', '--cloud', 'gcp', '--format', 'mermaid']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^---\ntitle: shop-api-prod-gcp \(GCP, us-central1\)\n---\nflowchart LR\n/);
    expect(r.stdout).toContain('Cloud SQL read replica 2');
  });

  it('GIVEN --out FILE.svg WHEN drawn THEN the SVG is rendered in-process and written', () => {
    const file = path.join(dir, 'azure.svg');
    const r = runProcess(['diagram', '--cloud', 'azure', '--out', file]);
    expect(r.code).toBe(0);
    const svg = fs.readFileSync(file, 'utf8');
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toContain('Azure Managed Redis');
  });

  it.each([
    [['--cloud', 'oracle'], "argument 'oracle' is invalid"],
    [[], "required option '--cloud <cloud>' not specified"],
    [['--cloud', 'gcp', '--out', path.join(os.tmpdir(), 'x.png')], 'a svg diagram goes to a .svg file'],
    [
      ['--cloud', 'gcp', '--format', 'mermaid', '--out', path.join(os.tmpdir(), 'x.svg')],
      'a mermaid diagram goes to a .mmd or .md file',
    ],
    [['--cloud', 'gcp', '--format', 'png'], "argument 'png' is invalid"],
  ])('GIVEN diagram %j WHEN run THEN exit 1 with the option named and no stack trace', (args, message) => {
    const r = run(['diagram', ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.all).not.toMatch(STACK_TRACE);
  });

  it.each([
    ['a missing directory', () => '/nonexistent-dir/x.mmd', 'cannot write (ENOENT)'],
    [
      'a directory',
      () => fs.mkdirSync(path.join(dir, 'adir.mmd'), { recursive: true }) ?? path.join(dir, 'adir.mmd'),
      'cannot write (EISDIR)',
    ],
  ])(
    'GIVEN --out to %s WHEN drawn THEN exit 1 naming it, before any engine loads or anything is synthesized',
    (_name, target, message) => {
      const r = runRecordingModules(['diagram', '--cloud', 'gcp', '--format', 'mermaid', '--out', target()]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(message);
      expect(r.all).not.toMatch(STACK_TRACE);
      expect(r.modules.filter((m) => ENGINES.test(m))).toEqual([]);
    },
  );

  it('GIVEN a cloud the spec does not list WHEN drawn THEN exit 1 naming the spec clouds', () => {
    const spec = write('aws-only.yaml', [...BASE, 'clouds: [aws]'].join('\n'));
    const r = run(['diagram', '--spec', spec, '--cloud', 'gcp']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--cloud gcp: not in the spec's clouds (aws)");
  });

  it('GIVEN an invalid spec WHEN drawn THEN exit 1 with its problems before anything is synthesized', () => {
    const r = run(['diagram', '--spec', write('inv.yaml', 'name: 1'), '--cloud', 'aws']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('invalid spec (');
    expect(r.all).not.toMatch(STACK_TRACE);
  });
});
