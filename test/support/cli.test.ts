import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runInWorker, runProcess } from './cli';

/*
 * The CLI suites run what a command decides in their worker instead of a process: this shows the
 * two give the same exit code, stdout and stderr for each kind of outcome, so a test that moved
 * into the worker checks what it checked as a process.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-runner-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const put = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const DEV =
  'name: shop-api\nenvironment: dev\ncompute: { app: { image: ghcr.io/acme/api:1 } }\nalerts: { email: ops@example.com }\nterraform: { privateRunner: true }\n';

describe('the in-worker CLI runner', () => {
  it.each([
    ['a valid spec (exit 0, stdout)', () => ['validate']],
    [
      'every problem of an invalid spec (exit 1, stderr)',
      () => ['validate', '--spec', put('bad.yaml', 'name: Shop\nx: 1\n')],
    ],
    ['a warning (exit 0, stderr)', () => ['validate', '--spec', put('warn.yaml', `${DEV}cdn: { lockOrigin: true }\n`)]],
    ['a usage error from commander', () => ['synth', '--cloud', 'oracle']],
    ['help (exit 0)', () => ['plan', '--help']],
    ['a plan as JSON', () => ['plan', '--peak-rps', '2000', '--format', 'json']],
    ['a diff refused before it synthesizes', () => ['diff', '--from', 'nope.yaml']],
  ])(
    'GIVEN %s WHEN run in the worker and as a process THEN exit code, stdout and stderr are the same',
    (_what, args) => {
      const argv = args();
      const inWorker = runInWorker(argv);
      expect(inWorker).toEqual(runProcess(argv));
      expect(inWorker.all.length).toBeGreaterThan(0);
    },
  );

  it('GIVEN an environment variable for the run THEN the command sees it in both, and the worker gets its own back', () => {
    const env = { BLUEPRINT_AZURE_KEYVAULT_ALLOWED_IPS: 'not-a-cidr' };
    const inWorker = runInWorker(['validate'], env);
    expect(inWorker.code).toBe(1);
    expect(inWorker.stderr).toContain('not-a-cidr');
    expect(inWorker).toEqual(runProcess(['validate'], { env }));
    expect(process.env.BLUEPRINT_AZURE_KEYVAULT_ALLOWED_IPS).toBeUndefined();
  });

  it('GIVEN a run THEN the worker keeps its own stdout, stderr (and whether they are terminals) and directory', () => {
    const [out, err, cwd] = [process.stdout.write, process.stderr.write, process.cwd()];
    const terminals = [process.stdout.isTTY, process.stderr.isTTY];
    process.chdir(os.tmpdir());
    try {
      // Relative to the repository root, wherever jest was started.
      expect(runInWorker(['validate', '--spec', 'examples/shop-api.yaml']).code).toBe(0);
      expect([process.stdout.write, process.stderr.write, process.cwd()]).toEqual([out, err, os.tmpdir()]);
      expect([process.stdout.isTTY, process.stderr.isTTY]).toEqual(terminals);
    } finally {
      process.chdir(cwd);
    }
  });
});
