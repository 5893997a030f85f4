import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileCacheEntries } from '../../lib/compile-cache';
import { ROOT as root, runInWorker, runProcess, STACK_TRACE } from '../support/cli';

/*
 * The CLI as users and CI run it: exit codes, stdout/stderr, and never a stack trace. What a
 * process shows (the exit status, --version read beside dist/, a synth with its engines and
 * Terraform worker) runs as a real process (dist/ is built by the jest global setup); what a
 * command decides before any engine starts runs in this worker (test/support/cli.ts).
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-cli-'));
// Synth outputs and a code cache: ~35 MB a run, which stayed in the temporary directory.
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => runInWorker(args);
const runAsProcess = (...args: string[]) => runProcess(args);
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

describe('blueprint CLI', () => {
  it('validate: a valid spec exits 0 (a process)', () => {
    const r = runAsProcess('validate', '--spec', 'examples/shop-api.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid (shop-api, prod, clouds: aws, gcp, azure)');
  });

  it('validate: an invalid spec exits 1 listing every problem, no stack trace (a process)', () => {
    const file = write(
      'bad.yaml',
      [
        'name: Shop',
        'environment: prod',
        'compute:',
        '  maxInstance: 3',
        '  port: 22',
        '  app: { image: x }',
        'alerts: { email: nope }',
        'database: { readReplicas: 40 }',
      ].join('\n'),
    );
    const r = runAsProcess('validate', '--spec', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('invalid spec (');
    for (const field of [
      'name:',
      'compute.maxInstance: unknown field; did you mean "maxInstances"?',
      'compute.port:',
      'alerts.email:',
      'database.readReplicas: must be at most 15',
    ]) {
      expect(r.stderr).toContain(field);
    }
    expect(r.all).not.toMatch(STACK_TRACE);
  });

  it.each([
    ['a missing file', () => path.join(dir, 'missing.yaml'), 'no such file'],
    [
      'a directory',
      () => fs.mkdirSync(path.join(dir, 'adir.yml'), { recursive: true }) ?? path.join(dir, 'adir.yml'),
      'is a directory',
    ],
    ['an empty file', () => write('empty.json', ''), 'the file is empty'],
    ['a wrong extension', () => write('spec.toml', 'name = 1'), 'unsupported file type ".toml"'],
    ['broken YAML', () => write('broken.yaml', 'name: [a\n'), 'YAML syntax error'],
    ['broken JSON', () => write('broken.json', '{"name": }'), 'JSON syntax error'],
    ['a YAML scalar', () => write('scalar.yaml', '42'), 'must be a mapping'],
    [
      'prototype keys',
      () => write('proto.json', '{"__proto__": {"polluted": true}, "constructor": 1}'),
      'unknown field',
    ],
  ])('validate: %s exits 1 with one clear message and no stack trace', (_t, make, expected) => {
    const r = run('validate', '--spec', make());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(expected);
    expect(r.all).not.toMatch(STACK_TRACE);
  });

  it('validate without --spec checks the example spec, like every other command', () => {
    const r = run('validate');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/examples\/shop-api\.yaml: valid \(shop-api, prod, clouds: aws, gcp, azure\)/);
  });

  it('--version prints the package version (a process: read beside dist/)', () => {
    const r = runAsProcess('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
  });

  it('a warning goes to stderr and keeps exit 0', () => {
    const file = write(
      'warn.yaml',
      [
        'name: shop-api',
        'environment: dev',
        'compute: { app: { image: ghcr.io/acme/api:1 } }',
        'alerts: { email: ops@example.com }',
        'terraform: { privateRunner: true }',
        'cdn: { lockOrigin: true }',
      ].join('\n'),
    );
    const r = run('validate', '--spec', file);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('1 warning\n  - cdn.lockOrigin: has no effect while cdn.enabled is false');
  });

  it('an unknown command or option is a usage error (exit 1)', () => {
    expect(run('deploy').code).toBe(1);
    expect(run('synth', '--cloud', 'oracle').stderr).toContain("argument 'oracle' is invalid");
  });

  it('plan prints the resolved sizes and counts per cloud', () => {
    const r = run('plan', '--spec', 'examples/shop-api.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /instance type\s+m7i\.large \(2 vCPU, 8 GiB\)\s+n2-standard-2 \(2 vCPU, 8 GiB\)\s+Standard_D2s_v5/,
    );
    expect(r.stdout).toMatch(/database layout\s+1 shard\(s\) x \(1 primary \+ 2 replica\(s\)\)/);
    expect(r.stdout).toMatch(/zones\s+3\s+3\s+3/);
  });

  it('plan uses the example spec by default', () => {
    expect(run('plan').stdout).toContain('shop-api (prod)');
  });

  it('schema prints the JSON Schema', () => {
    const r = run('schema');
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['name', 'environment', 'compute', 'database', 'cache']),
    );
  });

  it('synth refuses a cloud the spec does not list', () => {
    const file = write(
      'aws-only.yaml',
      'name: shop-api\nenvironment: dev\nclouds: [aws]\ncompute: { app: { image: nginx:1.27 } }\nalerts: { email: ops@example.com }\n',
    );
    const r = run('synth', '--spec', file, '--cloud', 'gcp', '--out', path.join(dir, 'out'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--cloud gcp: not in the spec's clouds (aws)");
  });

  it('synth for an account whose zones are not cached exits 1 with one line saying what to run or set', () => {
    const file = write(
      'aws-account.yaml',
      'name: shop-api\nenvironment: dev\nclouds: [aws]\naccounts: { aws: "111111111111" }\nregions: { aws: eu-west-1 }\ncompute: { app: { image: nginx:1.27 } }\nalerts: { email: ops@example.com }\n',
    );
    const r = runAsProcess('synth', '--spec', file, '--out', path.join(dir, 'lookup'));
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^blueprint: network\.zoneNames\.aws: the availability zones of account 111111111111 in eu-west-1 are not cached; run `npx cdk synth` once/,
      ),
    ]);
    // Refused before any engine loaded: nothing written.
    expect(fs.existsSync(path.join(dir, 'lookup'))).toBe(false);
  });

  it('synth of the example: all three clouds with the gates (Terraform on a worker thread); --no-checks writes the same stacks without them', () => {
    const gated = path.join(dir, 'gated');
    const ungated = path.join(dir, 'ungated');
    const a = runAsProcess('synth', '--out', gated);
    const b = runAsProcess('synth', '--out', ungated, '--no-checks');
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stdout).toMatch(/synthesized 3 stack\(s\) from examples\/shop-api\.yaml in [\d.]+ s\n$/);
    expect(b.stdout).toMatch(/synthesized 3 stack\(s\) .* \(policy gates skipped: --no-checks\)\n$/);
    const files = [
      'aws/shop-api-prod.template.json',
      'terraform/stacks/shop-api-prod-gcp/cdk.tf.json',
      'terraform/stacks/shop-api-prod-azure/cdk.tf.json',
    ];
    for (const f of files) {
      expect(fs.readFileSync(path.join(ungated, f), 'utf8')).toBe(fs.readFileSync(path.join(gated, f), 'utf8'));
    }
    // The gates wrote their report (acknowledged findings only); without them no validation ran.
    const report = JSON.parse(fs.readFileSync(path.join(gated, 'aws', 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.map((p: { pluginName: string }) => p.pluginName)).toEqual(
      expect.arrayContaining(['CloudFormation Validate', 'cdk-validator-cfnguard']),
    );
    expect(fs.existsSync(path.join(ungated, 'aws', 'validation-report.json'))).toBe(false);
  });

  it('synth three times with a fresh code cache (the first marks it, the second writes it, the third reads it): the same files each time, and the packs hold what the main thread and the Terraform worker compiled', () => {
    const cache = path.join(dir, 'compile-cache');
    const outs = ['mark', 'write', 'read'].map((name) => path.join(dir, `cache-${name}`));
    for (const out of outs) {
      const r = runProcess(['synth', '--out', out, '--no-checks'], { env: { BLUEPRINT_COMPILE_CACHE: cache } });
      expect([r.code, r.stderr]).toEqual([0, '']);
    }
    const entries = compileCacheEntries(cache);
    expect(entries.some((f) => f.includes(`${path.sep}aws-cdk-lib${path.sep}`))).toBe(true);
    expect(entries.some((f) => f.includes(`${path.sep}@cdktf${path.sep}provider-google${path.sep}`))).toBe(true);
    const [first, ...later] = outs.map((out) =>
      fs
        .readdirSync(out, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => [f, fs.readFileSync(path.join(out as string, f), 'utf8')]),
    );
    expect(first?.length).toBeGreaterThan(5);
    expect(later).toEqual([first, first]);
  });

  it('synth of AWS and GCP whose AWS half fails exits 1 with the one-line AWS error (the GCP worker does not hide it)', () => {
    const file = write(
      'aws-gcp-account.yaml',
      'name: shop-api\nenvironment: dev\nclouds: [aws, gcp]\naccounts: { aws: "111111111111" }\nregions: { aws: eu-west-1 }\ncompute: { app: { image: nginx:1.27 } }\nalerts: { email: ops@example.com }\nterraform: { privateRunner: true }\n',
    );
    const r = runAsProcess('synth', '--spec', file, '--out', path.join(dir, 'lookup2'), '--no-checks');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^blueprint: network\.zoneNames\.aws: the availability zones of account 111111111111/),
    ]);
    expect(fs.existsSync(path.join(dir, 'lookup2'))).toBe(false);
  });

  it('synth on an invalid spec writes nothing', () => {
    const out = path.join(dir, 'never');
    const r = run('synth', '--spec', write('inv.yaml', 'name: 1'), '--out', out);
    expect(r.code).toBe(1);
    expect(fs.existsSync(out)).toBe(false);
  });
});
