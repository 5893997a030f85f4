import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { reviveSpec } from '../../lib/resolve';
import { applicableGuardRules, guardGroups, VALIDATION_REPORT_FILE } from '../../stacks/aws-policy';
import { SyncWorker } from '../../stacks/sync-worker';
import { synthesize } from '../../stacks/synth';
import { resolved } from '../fixtures';

/*
 * The synthesis plumbing: the ungated path really runs no validation, a spec survives the trip
 * to a worker thread, workers answer synchronously with their errors intact, and cfn-guard runs
 * one service's rule files at a time.
 */

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-test-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('synthesize', () => {
  test('GIVEN checks: false WHEN the AWS stack is synthesized THEN no validation plugin runs (no validation report) and the template is written', () => {
    // The diff used to pass '@aws-cdk/core:validateAgainstDefaultRules': false, which only turns
    // errors into warnings: the built-in validation still ran (~3 s) and wrote its report.
    const dir = path.join(out, 'ungated');
    const [aws] = synthesize(resolved('dev'), dir, ['aws'], { checks: false });
    expect(aws?.file).toBe(path.join(dir, 'aws', 'shop-api-dev.template.json'));
    expect(Object.keys(JSON.parse(fs.readFileSync(aws?.file ?? '', 'utf8')).Resources).length).toBeGreaterThan(50);
    expect(fs.existsSync(path.join(dir, 'aws', VALIDATION_REPORT_FILE))).toBe(false);
  });

  test('GIVEN a resolved spec WHEN cloned to another thread and revived THEN it equals the original and its names work', () => {
    const spec = resolved('example');
    const revived = reviveSpec(structuredClone(spec));
    expect(revived).toEqual(spec);
    expect(revived.names.of('gcpResource', '-db')).toBe(spec.names.of('gcpResource', '-db'));
  });
});

describe('SyncWorker', () => {
  const worker = new SyncWorker(`
    init(() => { if (__wd.failInit) throw new Error('no engine'); });
    serve((n) => { if (n < 0) { const e = new Error('negative: ' + n); e.name = 'InputError'; throw e; } return n * 2; });
  `);
  afterAll(() => worker.terminate());

  test('GIVEN two requests sent before waiting WHEN collected THEN each gets its own answer', () => {
    const a = worker.send<number>(1);
    const b = worker.send<number>(20);
    expect([a(), b()]).toEqual([2, 40]);
  });

  test('GIVEN a request the worker rejects WHEN called THEN its error is thrown here with its name and message', () => {
    expect(() => worker.call(-1)).toThrow(expect.objectContaining({ name: 'InputError', message: 'negative: -1' }));
  });

  test('GIVEN a worker whose code throws while it loads WHEN called THEN that error is thrown at once, not after the timeout', () => {
    const broken = new SyncWorker('const engine = require("no-such-engine-package"); serve(() => engine);');
    const started = Date.now();
    try {
      expect(() => broken.call(1, 30_000)).toThrow(/no-such-engine-package/);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      broken.terminate();
    }
  });

  test.each([
    ['exits', 'serve(() => process.exit(3));'],
    ['throws outside the call', 'serve(() => new Promise(() => setTimeout(() => { throw new Error("late"); })));'],
  ])(
    'GIVEN a worker that %s while serving a call WHEN called THEN an error says it stopped, not after the timeout',
    (_how, source) => {
      const dying = new SyncWorker(source);
      const started = Date.now();
      expect(() => dying.call(1, 30_000)).toThrow('a synthesis worker stopped before it answered');
      expect(Date.now() - started).toBeLessThan(10_000);
    },
  );

  test('GIVEN a worker whose set-up failed WHEN called THEN the set-up error is thrown, not a timeout', () => {
    const broken = new SyncWorker('init(() => { throw new Error("no engine"); }); serve(() => 1);');
    try {
      expect(() => broken.call(1, 30_000)).toThrow('no engine');
    } finally {
      broken.terminate();
    }
  });
});

describe('cfn-guard rule groups', () => {
  test('GIVEN the rules for a template WHEN grouped THEN one group per service, in rule-file order, nothing lost', () => {
    const rules = applicableGuardRules(new Set(['AWS::RDS::DBCluster', 'AWS::S3::Bucket', 'AWS::EC2::SecurityGroup']));
    const groups = guardGroups(rules);
    expect(groups.flat()).toEqual(rules);
    const services = groups.map((g) => new Set(g.map((r) => /^(ct-[a-z0-9]+)-/.exec(path.basename(r.file))?.[1])));
    for (const s of services) expect(s.size).toBe(1);
    expect(services.map((s) => [...s][0])).toEqual(expect.arrayContaining(['ct-rds', 'ct-s3', 'ct-ec2']));
    expect(new Set(services.map((s) => [...s][0])).size).toBe(groups.length);
  });
});
