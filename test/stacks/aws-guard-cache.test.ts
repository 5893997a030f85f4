import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { GUARD_CACHE_ENV, GuardResultCache, guardCacheDir } from '../../stacks/aws-guard-cache';
import { ControlTowerGuard, POLICY_PLUGINS, policyFindings } from '../../stacks/aws-policy';
import { awsAppContext } from '../../stacks/aws-stack';

/* cfn-guard verdicts kept by their inputs: a repeated Guard run reads the verdict instead. */

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-guard-cache-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/**
 * A team stack with a bucket Control Tower flags (no versioning, no logging), synthesized with the
 * Control Tower gate alone (the other two gates do not read the cache).
 */
function gatedBucketSynth(outdir: string, bucketName = 'Careless') {
  const app = new App({ context: awsAppContext(), outdir, builtinCloudFormationValidation: false });
  const guard = new ControlTowerGuard();
  Validations.of(app).addPlugins(guard.start, guard.collect);
  new s3.Bucket(new Stack(app, 'TeamStack', { env: { region: 'us-east-1' } }), bucketName);
  try {
    app.synth();
  } catch {
    // In tests aws-cdk-lib throws on error-level findings itself; the report is written first.
  }
  const findings = policyFindings(outdir).filter((f) => f.plugin === POLICY_PLUGINS.guard);
  return { guard, findings };
}

function withCacheDir<T>(dir: string | undefined, fn: () => T): T {
  const before = process.env[GUARD_CACHE_ENV];
  process.env[GUARD_CACHE_ENV] = dir ?? 'off';
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env[GUARD_CACHE_ENV];
    else process.env[GUARD_CACHE_ENV] = before;
  }
}

describe('cfn-guard verdict cache', () => {
  test('GIVEN a fresh cache WHEN the same stack is synthesized twice THEN the second run reads every verdict and reports the same findings on its own template', () => {
    const dir = path.join(work, 'cache-a');
    const first = withCacheDir(dir, () => gatedBucketSynth(path.join(work, 'a1')));
    const second = withCacheDir(dir, () => gatedBucketSynth(path.join(work, 'a2')));
    const uncached = withCacheDir(undefined, () => gatedBucketSynth(path.join(work, 'a3')));

    expect(first.guard.lastCachedGroups).toBe(0);
    expect(second.guard.lastCachedGroups).toBeGreaterThan(0);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(second.guard.lastCachedGroups);
    expect(uncached.guard.lastCachedGroups).toBe(0);
    // Findings name the bucket's construct path: the cached verdict was mapped onto the new assembly.
    expect(first.findings.length).toBeGreaterThan(0);
    expect(first.findings.every((f) => f.constructPath === 'TeamStack/Careless/Resource')).toBe(true);
    expect(second.findings).toEqual(first.findings);
    expect(uncached.findings).toEqual(first.findings);
  });

  test('GIVEN cached verdicts WHEN the resources of one service change THEN cfn-guard runs that group again and reads the others', () => {
    const dir = path.join(work, 'cache-b');
    const entries = () => fs.readdirSync(dir).filter((f) => f.endsWith('.json')).length;
    withCacheDir(dir, () => gatedBucketSynth(path.join(work, 'b1')));
    const groups = entries();
    const renamed = withCacheDir(dir, () => gatedBucketSynth(path.join(work, 'b2'), 'Renamed'));
    // The bucket's new logical id changes the S3 group's copy only.
    expect(renamed.guard.lastCachedGroups).toBe(groups - 1);
    expect(entries()).toBe(groups + 1);
    expect(renamed.findings.length).toBeGreaterThan(0);
    expect(renamed.findings.every((f) => f.constructPath === 'TeamStack/Renamed/Resource')).toBe(true);
  });

  describe('GuardResultCache', () => {
    const rules = [{ file: '/r/ct-s3-pr-1.guard', text: 'rule a {}' }];
    const copies = [{ name: 'TeamStack.template.json', text: '{"Resources":{}}' }];
    const cache = new GuardResultCache(path.join(work, 'unit'), '0.0.62');

    test.each([
      ['the validator version', () => new GuardResultCache(cache.dir, '0.0.63').key(rules, copies)],
      ['a rule text', () => cache.key([{ ...rules[0], text: 'rule b {}' } as (typeof rules)[0]], copies)],
      [
        'a rule file name',
        () => cache.key([{ ...rules[0], file: '/r/ct-s3-pr-2.guard' } as (typeof rules)[0]], copies),
      ],
      [
        'a template text',
        () => cache.key(rules, [{ ...copies[0], text: '{"Resources":{"B":{}}}' } as (typeof copies)[0]]),
      ],
      [
        'a template file name',
        () => cache.key(rules, [{ ...copies[0], name: 'Other.template.json' } as (typeof copies)[0]]),
      ],
    ])('GIVEN %s changed THEN the key differs', (_what, other) => {
      expect(cache.key(rules, copies)).toBe(cache.key(rules, copies));
      expect(other()).not.toBe(cache.key(rules, copies));
    });

    const violation = (templatePath: string) => ({
      ruleName: 'ct_s3_pr_1',
      description: 'versioning',
      violatingResources: [{ resourceLogicalId: 'B', templatePath, locations: ['/Resources/B'] }],
    });

    test('GIVEN a stored verdict THEN it reads back pointing at the templates of the reading run', () => {
      const key = cache.key(rules, copies);
      cache.write(key, { success: false, violations: [violation('/tmp/copy/0-0/T.json')] }, ['/tmp/copy/0-0/T.json']);
      expect(cache.read(key, ['/out/T.json'])).toEqual({ success: false, violations: [violation('/out/T.json')] });
    });

    test.each([
      ['not JSON', 'not json'],
      ['a template index the run does not have', JSON.stringify({ success: false, violations: [violation('#3')] })],
      ['a template path instead of an index', JSON.stringify({ success: false, violations: [violation('/x/T.json')] })],
    ])('GIVEN an entry holding %s THEN it is a miss', (_what, text) => {
      const key = cache.key(rules, [{ name: 'x.json', text }]);
      fs.mkdirSync(cache.dir, { recursive: true });
      fs.writeFileSync(path.join(cache.dir, `${key}.json`), text);
      expect(cache.read(key, ['/out/T.json'])).toBeUndefined();
    });

    test('GIVEN a report naming a file cfn-guard was not given THEN nothing is stored', () => {
      const key = cache.key(rules, [{ name: 'y.json', text: '{}' }]);
      cache.write(key, { success: false, violations: [violation('/elsewhere.json')] }, ['/tmp/copy/T.json']);
      expect(fs.existsSync(path.join(cache.dir, `${key}.json`))).toBe(false);
    });

    test('GIVEN a directory with an entry unused for 31 days and a temporary file a killed process left WHEN this process first writes THEN both go and recent entries stay', () => {
      const dir = path.join(work, 'prune');
      fs.mkdirSync(dir, { recursive: true });
      const age = (file: string, days: number) => {
        fs.writeFileSync(path.join(dir, file), '{}');
        const at = new Date(Date.now() - days * 24 * 3600_000);
        fs.utimesSync(path.join(dir, file), at, at);
      };
      age('old.json', 31);
      age('recent.json', 29);
      age('left.json.123.abc.tmp', 1);
      const pruning = new GuardResultCache(dir, '0.0.62');
      const key = pruning.key(rules, copies);
      pruning.write(key, { success: true, violations: [] }, []);
      expect(fs.readdirSync(dir).sort()).toEqual([`${key}.json`, 'recent.json']);
    });

    test('GIVEN BLUEPRINT_GUARD_CACHE THEN off turns it off, a directory moves it, unset keeps it beside the code cache', () => {
      expect(guardCacheDir({ [GUARD_CACHE_ENV]: 'off' })).toBeUndefined();
      expect(guardCacheDir({ [GUARD_CACHE_ENV]: '/somewhere' })).toBe('/somewhere');
      expect(guardCacheDir({})).toBe(
        path.join(__dirname, '..', '..', 'node_modules', '.cache', 'scaling-blueprint', 'guard'),
      );
    });
  });
});
