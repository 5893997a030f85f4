/*
 * `npm run scan`: third-party policy scan with checkov over what users would deploy — the AWS
 * CloudFormation templates and both Terraform JSON outputs — for the example spec and each
 * preset. Every failing check must be listed in scan/baseline.json with a reason; a failure not
 * in the baseline fails the scan, and so does a baseline entry that no longer fails (the
 * baseline only shrinks). Results go to docs/scan.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLOUD_LABEL, type Cloud } from '../lib/constants';
import { loadSpec } from '../lib/load';
import { synthesize } from '../stacks/synth';

const ROOT = path.resolve(__dirname, '..', '..');
/** Pinned: a new checkov brings new checks; upgrading is a deliberate change with a baseline review. */
export const CHECKOV_VERSION = '3.3.30';
const VENV = path.join(ROOT, '.tools', 'checkov');
const CHECKOV = path.join(VENV, 'bin', 'checkov');
const BASELINE = path.join(ROOT, 'scan', 'baseline.json');
const OUT = path.join(ROOT, 'out', 'scan');
const SPECS = [
  'examples/shop-api.yaml',
  'examples/presets/dev.yaml',
  'examples/presets/staging.yaml',
  'examples/presets/prod.yaml',
];
const FRAMEWORK: Record<Cloud, string> = { aws: 'cloudformation', gcp: 'terraform_json', azure: 'terraform_json' };

/** One accepted finding: a check that stays failing on a cloud, and why. */
interface BaselineEntry {
  readonly cloud: Cloud;
  readonly check: string;
  /**
   * Regular expressions over checkov's resource string (`Type.LogicalId` for CloudFormation,
   * `resource.<name>` or `<type>.<name>` for Terraform JSON); omitted = every resource.
   */
  readonly resources?: readonly string[];
  readonly reason: string;
}

interface Finding {
  readonly cloud: Cloud;
  readonly check: string;
  readonly name: string;
  readonly resource: string;
  readonly spec: string;
}

function ensureCheckov(): void {
  const version = fs.existsSync(CHECKOV) ? spawnSync(CHECKOV, ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
  if (version === CHECKOV_VERSION) return;
  console.log(`installing checkov ${CHECKOV_VERSION} into ${path.relative(ROOT, VENV)}`);
  execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
  execFileSync(
    path.join(VENV, 'bin', 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', `checkov==${CHECKOV_VERSION}`],
    { stdio: 'inherit' },
  );
}

interface CheckovReport {
  check_type: string;
  results: {
    failed_checks: Array<{ check_id: string; check_name: string; resource: string; file_path: string }>;
    passed_checks: unknown[];
    skipped_checks: unknown[];
  };
  summary: { passed: number; failed: number; skipped: number };
}

function runCheckov(files: readonly string[], framework: string): CheckovReport[] {
  const args = [
    ...files.flatMap((f) => ['-f', f]),
    '--framework',
    framework,
    '-o',
    'json',
    '--compact',
    '--quiet',
    '--skip-download',
    '--soft-fail',
  ];
  const r = spawnSync(CHECKOV, args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, LOG_LEVEL: 'ERROR' },
  });
  if (r.status !== 0) throw new Error(`checkov failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
  const parsed = JSON.parse(r.stdout) as CheckovReport | CheckovReport[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

const matches = (entry: BaselineEntry, f: Finding) =>
  entry.cloud === f.cloud &&
  entry.check === f.check &&
  (entry.resources === undefined || entry.resources.some((pattern) => new RegExp(pattern).test(f.resource)));

function main(): number {
  ensureCheckov();
  fs.rmSync(OUT, { recursive: true, force: true });
  const files: Record<Cloud, Array<{ file: string; spec: string }>> = { aws: [], gcp: [], azure: [] };
  for (const specFile of SPECS) {
    const loaded = loadSpec(path.join(ROOT, specFile));
    if (!loaded.ok) throw new Error(`${specFile}: ${loaded.problems.join('; ')}`);
    const dir = path.join(OUT, path.basename(specFile, '.yaml'));
    for (const r of synthesize(loaded.spec, dir, loaded.spec.clouds))
      files[r.cloud].push({ file: r.file, spec: specFile });
  }

  const baseline = JSON.parse(fs.readFileSync(BASELINE, 'utf8')) as { entries: BaselineEntry[] };
  const findings: Finding[] = [];
  const counts: Record<Cloud, { passed: number; failed: number; skipped: number }> = {
    aws: { passed: 0, failed: 0, skipped: 0 },
    gcp: { passed: 0, failed: 0, skipped: 0 },
    azure: { passed: 0, failed: 0, skipped: 0 },
  };
  for (const cloud of Object.keys(files) as Cloud[]) {
    if (files[cloud].length === 0) continue;
    for (const report of runCheckov(
      files[cloud].map((f) => f.file),
      FRAMEWORK[cloud],
    )) {
      counts[cloud].passed += report.summary.passed;
      counts[cloud].skipped += report.summary.skipped;
      for (const c of report.results.failed_checks) {
        const spec =
          files[cloud].find((f) => path.resolve(c.file_path) === f.file || f.file.endsWith(c.file_path))?.spec ??
          c.file_path;
        findings.push({ cloud, check: c.check_id, name: c.check_name, resource: c.resource, spec });
      }
    }
  }

  const accepted = findings.filter((f) => baseline.entries.some((e) => matches(e, f)));
  const fresh = findings.filter((f) => !baseline.entries.some((e) => matches(e, f)));
  const stale = baseline.entries.filter((e) => !findings.some((f) => matches(e, f)));
  for (const cloud of Object.keys(counts) as Cloud[]) {
    counts[cloud].failed = fresh.filter((f) => f.cloud === cloud).length;
    counts[cloud].skipped += accepted.filter((f) => f.cloud === cloud).length;
  }

  const table = [
    '| cloud | framework | passed | failed | skipped (baseline, with reason) |',
    '|---|---|---|---|---|',
    ...(Object.keys(counts) as Cloud[]).map(
      (c) =>
        `| ${CLOUD_LABEL[c]} | ${FRAMEWORK[c]} | ${counts[c].passed} | ${counts[c].failed} | ${counts[c].skipped} |`,
    ),
  ].join('\n');
  const reasons = baseline.entries
    .map((e) => `| ${CLOUD_LABEL[e.cloud]} | ${e.check} | ${e.resources?.join(', ') ?? 'all'} | ${e.reason} |`)
    .join('\n');
  fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
  fs.writeFileSync(
    path.join(ROOT, 'docs', 'scan.md'),
    `# checkov ${CHECKOV_VERSION} scan\n\nGenerated by \`npm run scan\` over ${SPECS.map((s) => `\`${s}\``).join(', ')} (counts summed over the four specs).\n\n${table}\n\n## Baseline (scan/baseline.json)\n\n| cloud | check | resources | reason |\n|---|---|---|---|\n${reasons}\n`,
  );
  console.log(table);
  for (const f of fresh)
    console.log(`NEW FAILURE ${CLOUD_LABEL[f.cloud]} ${f.check} ${f.resource} (${f.spec}): ${f.name}`);
  for (const e of stale)
    console.log(
      `STALE BASELINE ${CLOUD_LABEL[e.cloud]} ${e.check} ${e.resources?.join(',') ?? ''}: no longer fails; remove it`,
    );
  return fresh.length > 0 || stale.length > 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`scan: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
