/*
 * `npm run scan`: third-party scanners over what users would deploy, for the example spec and
 * each preset: checkov over the AWS CloudFormation templates and both Terraform JSON outputs,
 * and cfn-lint over the CloudFormation templates. Every open finding (checkov failures, cfn-lint
 * warnings) must be listed in scan/baseline.json with a reason; a finding not in the baseline
 * fails the scan, so does a baseline entry that no longer matches (the baseline only shrinks),
 * and any cfn-lint error. A check checkov raises on instead of deciding must be in UNDECIDED
 * (scripts/scan-baseline.ts) with what it would decide, under the same two rules. Both tools
 * are pinned (scan/tools.json) and installed with uv into .tools/ by scripts/install-scanners.js,
 * while the specs are synthesized. checkov runs once over every file (all frameworks), beside
 * cfn-lint. Results go to docs/scan.md.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLOUD_LABEL, type Cloud } from '../lib/constants';
import { loadSpec } from '../lib/load';
import { synthesize } from '../stacks/synth';
import {
  type BaselineEntry,
  type CrashedCheck,
  compare,
  compareCrashes,
  crashedChecks,
  type Finding,
  UNDECIDED,
} from './scan-baseline';

const ROOT = path.resolve(__dirname, '..', '..');
/** The scanners' pins (scan/tools.json): a new version brings new checks, upgrading means a baseline review. */
export const TOOLS = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'scan', 'tools.json'), 'utf8')) as {
    scanners: { checkov: string; 'cfn-lint': string };
  }
).scanners;
type Tool = keyof typeof TOOLS;
const BASELINE = path.join(ROOT, 'scan', 'baseline.json');
const OUT = path.join(ROOT, 'out', 'scan');
const SPECS = [
  'examples/shop-api.yaml',
  'examples/presets/dev.yaml',
  'examples/presets/staging.yaml',
  'examples/presets/prod.yaml',
];
const FRAMEWORK: Record<Cloud, string> = { aws: 'cloudformation', gcp: 'terraform_json', azure: 'terraform_json' };

const binary = (tool: Tool) => path.join(ROOT, '.tools', tool, 'bin', tool);

/** What a child process printed and how it ended. */
interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command without blocking this process: the installs go on while the specs are
 * synthesized here, and the scanners run side by side. With `inherit`, its output goes
 * straight to ours (nothing is collected).
 */
function runAsync(cmd: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; inherit?: boolean } = {}) {
  return new Promise<Ran>((resolve, reject) => {
    const child = spawn(cmd, args, { env: options.env ?? process.env, stdio: options.inherit ? 'inherit' : 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

/** Installs the pinned scanners unless they are there (scripts/install-scanners.js, shared with .ci/run). */
async function ensureTools(): Promise<void> {
  const r = await runAsync(process.execPath, [path.join(ROOT, 'scripts', 'install-scanners.js')], { inherit: true });
  if (r.status !== 0) throw new Error(`installing the scanners exited ${r.status}`);
}

interface CheckovCheck {
  check_id: string;
  check_name: string;
  resource: string;
  file_path: string;
}
interface CheckovReport {
  check_type: string;
  results: { passed_checks?: CheckovCheck[]; failed_checks?: CheckovCheck[]; skipped_checks?: CheckovCheck[] };
}

/**
 * checkov over every file, all frameworks in one process: its start-up (~4 s of CPU, importing
 * every check) is paid once, not once per cloud. Passed checks are listed too (no --quiet), so
 * each check is counted for the cloud of its file.
 */
async function runCheckov(files: readonly string[], frameworks: readonly string[]): Promise<CheckovRun> {
  const args = [
    ...files.flatMap((f) => ['-f', f]),
    ...['--framework', ...frameworks, '-o', 'json', '--compact', '--skip-download', '--soft-fail'],
  ];
  const r = await runAsync(binary('checkov'), args, { env: { ...process.env, LOG_LEVEL: 'ERROR' } });
  if (r.status !== 0) throw new Error(`checkov failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
  const parsed = JSON.parse(r.stdout) as CheckovReport | CheckovReport[];
  return { reports: Array.isArray(parsed) ? parsed : [parsed], crashed: crashedChecks(r.stderr) };
}

/** What one checkov run found, and the checks that raised instead of deciding. */
interface CheckovRun {
  readonly reports: CheckovReport[];
  readonly crashed: CrashedCheck[];
}

interface CfnLintMatch {
  Rule: { Id: string; Description?: string; ShortDescription?: string };
  Level: 'Error' | 'Warning' | 'Informational';
  Location: { Path?: Array<string | number> };
  Filename: string;
  Message: string;
}

/** cfn-lint over the templates: exit 2 = errors, 4 = warnings, 8 = informational (bit flags). */
async function runCfnLint(files: readonly string[]): Promise<CfnLintMatch[]> {
  const r = await runAsync(binary('cfn-lint'), ['--format', 'json', '--', ...files]);
  if (r.status === null || (r.status & 1) !== 0) throw new Error(`cfn-lint failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout || '[]') as CfnLintMatch[];
}

/** The logical id a cfn-lint match is about, as `Type.LogicalId` like checkov prints it. */
function cfnLintResource(m: CfnLintMatch, templates: ReadonlyMap<string, Record<string, { Type: string }>>): string {
  const [section, id] = m.Location.Path ?? [];
  if (section !== 'Resources' || typeof id !== 'string') return String(section ?? '(template)');
  const type = templates.get(path.resolve(m.Filename))?.[id]?.Type ?? '';
  return `${type}.${id}`;
}

function synthesizeSpecs(): Record<Cloud, Array<{ file: string; spec: string }>> {
  const files: Record<Cloud, Array<{ file: string; spec: string }>> = { aws: [], gcp: [], azure: [] };
  for (const specFile of SPECS) {
    const loaded = loadSpec(path.join(ROOT, specFile));
    if (!loaded.ok) throw new Error(`${specFile}: ${loaded.problems.join('; ')}`);
    const dir = path.join(OUT, path.basename(specFile, '.yaml'));
    // Without the policy gates: the templates are the same (test/constructs/aws/policy-matrix.test.ts), the gates
    // run on every preset in npm test and in npm run synth, and the scanners only read the output.
    // One Terraform worker serves the four specs.
    for (const r of synthesize(loaded.spec, dir, loaded.spec.clouds, { checks: false, keepWorkers: true }))
      files[r.cloud].push({ file: r.file, spec: specFile });
  }
  return files;
}

async function main(): Promise<number> {
  // The installs (network and disk) go on while the specs are synthesized here.
  const installs = ensureTools();
  fs.rmSync(OUT, { recursive: true, force: true });
  const files = synthesizeSpecs();
  await installs;
  // A scanner names a file as given or relative to the working directory.
  const entries = (Object.keys(files) as Cloud[]).flatMap((cloud) => files[cloud].map((f) => ({ cloud, ...f })));
  const entryOf = (file: string) => entries.find((f) => path.resolve(file) === f.file || f.file.endsWith(file));
  const specOf = (file: string) => entryOf(file)?.spec ?? file;

  // cfn-lint and checkov side by side: two processes, two cores.
  const clouds = (Object.keys(files) as Cloud[]).filter((c) => files[c].length > 0);
  const [lint, { reports, crashed }] = await Promise.all([
    runCfnLint(files.aws.map((f) => f.file)),
    runCheckov(
      clouds.flatMap((c) => files[c].map((f) => f.file)),
      [...new Set(clouds.map((c) => FRAMEWORK[c]))],
    ),
  ]);

  const findings: Finding[] = [];
  const counts: Record<Cloud, { passed: number; failed: number; skipped: number }> = {
    aws: { passed: 0, failed: 0, skipped: 0 },
    gcp: { passed: 0, failed: 0, skipped: 0 },
    azure: { passed: 0, failed: 0, skipped: 0 },
  };
  const cloudOfFile = (file: string, check: string): Cloud => {
    const cloud = entryOf(file)?.cloud;
    if (!cloud) throw new Error(`checkov reported ${check} on ${file}, a file it was not given`);
    return cloud;
  };
  const cloudOf = (c: CheckovCheck) => cloudOfFile(c.file_path, c.check_id);
  for (const report of reports) {
    for (const c of report.results.passed_checks ?? []) counts[cloudOf(c)].passed++;
    for (const c of report.results.skipped_checks ?? []) counts[cloudOf(c)].skipped++;
    for (const c of report.results.failed_checks ?? []) {
      const cloud = cloudOf(c);
      findings.push({
        cloud,
        tool: 'checkov',
        check: c.check_id,
        name: c.check_name,
        resource: c.resource,
        spec: specOf(c.file_path),
      });
    }
  }

  const templates = new Map(
    files.aws.map((f) => [
      path.resolve(f.file),
      (JSON.parse(fs.readFileSync(f.file, 'utf8')) as { Resources: Record<string, { Type: string }> }).Resources,
    ]),
  );
  const lintErrors = lint.filter((m) => m.Level === 'Error');
  for (const m of lint.filter((x) => x.Level === 'Warning')) {
    findings.push({
      cloud: 'aws',
      tool: 'cfn-lint',
      check: m.Rule.Id,
      name: m.Message,
      resource: cfnLintResource(m, templates),
      spec: specOf(m.Filename),
    });
  }

  const baseline = JSON.parse(fs.readFileSync(BASELINE, 'utf8')) as { entries: BaselineEntry[] };
  const { accepted, fresh, stale } = compare(baseline.entries, findings);
  const checkovFresh = fresh.filter((f) => f.tool === 'checkov');
  for (const cloud of Object.keys(counts) as Cloud[]) {
    counts[cloud].failed = checkovFresh.filter((f) => f.cloud === cloud).length;
    counts[cloud].skipped += accepted.filter((f) => f.cloud === cloud && f.tool === 'checkov').length;
  }
  const unrun = crashed.map((c) => ({ ...c, cloud: cloudOfFile(c.file, c.check) }));
  const { unexplained, staleNotes } = compareCrashes(UNDECIDED, crashed);
  writeReport(counts, lint, accepted, fresh, baseline.entries, unrun);

  for (const m of lintErrors) console.log(`CFN-LINT ERROR ${m.Rule.Id} ${cfnLintResource(m, templates)}: ${m.Message}`);
  for (const f of fresh)
    console.log(`NEW FINDING ${CLOUD_LABEL[f.cloud]} ${f.tool} ${f.check} ${f.resource} (${f.spec}): ${f.name}`);
  for (const e of stale)
    console.log(
      `STALE BASELINE ${CLOUD_LABEL[e.cloud]} ${e.tool ?? 'checkov'} ${e.check} ${e.resources?.join(',') ?? ''}: no longer matches; remove it`,
    );
  for (const c of unexplained)
    console.log(
      `UNDECIDED CHECK checkov ${c.check} ${c.resource} (${c.error}): add to UNDECIDED in scripts/scan-baseline.ts what it would decide`,
    );
  for (const check of staleNotes) console.log(`STALE UNDECIDED ${check}: checkov decides it now; remove it`);
  const failed = [lintErrors, fresh, stale, unexplained, staleNotes].some((list) => list.length > 0);
  return failed ? 1 : 0;
}

function writeReport(
  counts: Record<Cloud, { passed: number; failed: number; skipped: number }>,
  lint: readonly CfnLintMatch[],
  accepted: readonly Finding[],
  fresh: readonly Finding[],
  entries: readonly BaselineEntry[],
  crashed: ReadonlyArray<CrashedCheck & { cloud: Cloud }>,
): void {
  const table = [
    '| cloud | framework | passed | failed | skipped (baseline, with reason) |',
    '|---|---|---|---|---|',
    ...(Object.keys(counts) as Cloud[]).map(
      (c) =>
        `| ${CLOUD_LABEL[c]} | ${FRAMEWORK[c]} | ${counts[c].passed} | ${counts[c].failed} | ${counts[c].skipped} |`,
    ),
  ].join('\n');
  const level = (l: CfnLintMatch['Level']) => lint.filter((m) => m.Level === l).length;
  const lintWarnings = lint.filter((m) => m.Level === 'Warning').length;
  const lintTable = [
    '| errors | warnings | in baseline (with reason) | open | informational |',
    '|---|---|---|---|---|',
    `| ${level('Error')} | ${lintWarnings} | ${accepted.filter((f) => f.tool === 'cfn-lint').length} | ${fresh.filter((f) => f.tool === 'cfn-lint').length} | ${level('Informational')} |`,
  ].join('\n');
  const reasons = entries
    .map(
      (e) =>
        `| ${CLOUD_LABEL[e.cloud]} | ${e.tool ?? 'checkov'} | ${e.check} | ${e.resources?.map((r) => `\`${r}\``).join(', ') ?? 'all'} | ${e.reason} |`,
    )
    .join('\n');
  const specs = SPECS.map((s) => `\`${s}\``).join(', ');
  // One row per check and exception: these checks decided nothing, so they are in no count above.
  const groups = new Map<
    string,
    { cloud: Cloud; check: string; error: string; resources: Set<string>; runs: number }
  >();
  for (const c of crashed) {
    const key = `${c.cloud} ${c.check} ${c.error}`;
    const group = groups.get(key) ?? { cloud: c.cloud, check: c.check, error: c.error, resources: new Set(), runs: 0 };
    group.resources.add(c.resource);
    group.runs++;
    groups.set(key, group);
  }
  const unrun = [...groups.values()].map(
    (g) =>
      `| ${CLOUD_LABEL[g.cloud]} | ${g.check} | ${g.runs} | ${[...g.resources].map((r) => `\`${r}\``).join(', ')} | \`${g.error.replace(/\|/g, '\\|')}\` | ${UNDECIDED[g.check] ?? '(none written: the scan fails)'} |`,
  );
  fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
  fs.writeFileSync(
    path.join(ROOT, 'docs', 'scan.md'),
    [
      `# Scans: checkov ${TOOLS.checkov}, cfn-lint ${TOOLS['cfn-lint']}`,
      '',
      `Generated by \`npm run scan\` over ${specs} (counts summed over the four specs).`,
      '',
      '## checkov',
      '',
      table,
      '',
      '## cfn-lint (CloudFormation templates)',
      '',
      lintTable,
      '',
      '## Checks checkov could not run',
      '',
      unrun.length === 0
        ? 'None: every check decided.'
        : [
            'checkov logged these as "Failed to run check": the check raised on the resource (its reading of the',
            'JSON form of these blocks), so it is in no count above, neither passed nor failed. Listed so that',
            'nobody reads the counts as covering them, with what the check would decide.',
            '',
            '| cloud | check | runs | resources | exception | what it would decide |',
            '|---|---|---|---|---|---|',
            ...unrun,
          ].join('\n'),
      '',
      '## Baseline (scan/baseline.json)',
      '',
      '| cloud | tool | check | resources | reason |',
      '|---|---|---|---|---|',
      reasons,
      '',
    ].join('\n'),
  );
  console.log(`${table}\n\ncfn-lint\n${lintTable}`);
  if (crashed.length > 0)
    console.log(`\ncheckov could not run ${groups.size} check(s), ${crashed.length} run(s): listed in docs/scan.md`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`scan: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
