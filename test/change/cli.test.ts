import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ACTIONS, RISKS } from '../../lib/change/types';
import { ROOT as root, runInWorker, runProcess, STACK_TRACE } from '../support/cli';

/*
 * `blueprint diff`: formats, exit codes (0 safe, 3 needs attention, 1 bad input), and never a
 * stack trace. The diffs that synthesize run as real processes (dist/ is built by the jest global
 * setup); the input errors, refused before any engine starts, run in this worker
 * (test/support/cli.ts).
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-diff-cli-'));
const EXAMPLE = path.join(root, 'examples', 'shop-api.yaml');

const run = (...args: string[]) => runProcess(args);
/** The example with one line replaced. */
const variant = (name: string, from: RegExp, to: string) => {
  const file = path.join(dir, name);
  const text = fs.readFileSync(EXAMPLE, 'utf8');
  expect(text).toMatch(from);
  fs.writeFileSync(file, text.replace(from, to));
  return file;
};

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('blueprint diff', () => {
  test('GIVEN a one-field safe change THEN exit 0 and the JSON shape of the contract', () => {
    const r = run(
      'diff',
      '--from',
      EXAMPLE,
      '--spec',
      variant('max.yaml', /maxInstances: 12/g, 'maxInstances: 20'),
      '--format',
      'json',
    );
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      clouds: Record<string, { changes: Array<Record<string, unknown>> }>;
      exitCode: number;
    };
    expect(Object.keys(json.clouds)).toEqual(['aws', 'gcp', 'azure']);
    expect(json.exitCode).toBe(0);
    for (const { changes } of Object.values(json.clouds)) {
      expect(changes.length).toBeGreaterThan(0);
      for (const c of changes) {
        expect(Object.keys(c)).toEqual(
          expect.arrayContaining(['resource', 'type', 'action', 'attributes', 'risk', 'reason', 'advice']),
        );
        expect(ACTIONS).toContain(c.action);
        expect(RISKS).toContain(c.risk);
        expect(Array.isArray(c.attributes)).toBe(true);
      }
    }
  });

  test('GIVEN a cache tier change (GCP) THEN exit 3 and a markdown comment: a summary line per cloud, then the table', () => {
    const r = run(
      'diff',
      '--from',
      variant('basic.yaml', /replicasPerShard: 1/, 'replicasPerShard: 0\n  highAvailability: false'),
      '--spec',
      EXAMPLE,
      '--cloud',
      'gcp',
      '--format',
      'markdown',
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('### blueprint diff');
    expect(r.stdout).toMatch(/- \*\*GCP: \d+ changes, \d+ needs? attention \(.*fails.*\)\*\*/);
    expect(r.stdout).toContain('| action | risk | resource | type | attributes | reason | advice |');
    expect(r.stdout).toContain('| fails | **fails** | `google_redis_instance.');
    expect(r.stdout).toContain('set cache.revision: 1 in the same change');
    expect(r.stderr).toContain('need');
    expect(r.all).not.toMatch(STACK_TRACE);
  });

  test('GIVEN --from a `synth --out` directory THEN it is read (text format), spec-level rules are noted as unchecked', () => {
    const out = path.join(dir, 'deployed');
    expect(run('synth', '--spec', EXAMPLE, '--cloud', 'gcp', '--out', out).code).toBe(0);
    const r = run('diff', '--from', out, '--spec', EXAMPLE, '--cloud', 'gcp');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('GCP: no changes');
    expect(r.stdout).toContain('note: spec-level rules not checked');
  });

  test.each([
    ['a missing --from file', ['--from', 'nope.yaml'], '--from nope.yaml: no such file or directory'],
    ['a directory that is not a synth output', ['--from', 'docs'], 'not a `blueprint synth --out` directory'],
    ['an unknown format', ['--from', EXAMPLE, '--format', 'xml'], "argument 'xml' is invalid"],
    ['no --from', [], "required option '--from <old>' not specified"],
  ])('GIVEN %s THEN exit 1 with one clear line, no stack trace', (_what, args, message) => {
    const r = runInWorker(['diff', ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.all).not.toMatch(STACK_TRACE);
  });

  test('GIVEN an invalid new spec THEN exit 1 listing every problem as validate does', () => {
    const bad = variant('bad.yaml', /maxInstances: 12/g, 'maxInstance: 12');
    const r = runInWorker(['diff', '--from', EXAMPLE, '--spec', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('invalid spec (');
    expect(r.stderr).toContain('did you mean "maxInstances"?');
    expect(r.all).not.toMatch(STACK_TRACE);
  });
});
