import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runInWorker } from '../support/cli';

/*
 * Layered specs through the CLI (issue 11, item 5): `blueprint validate` on a spec that extends a
 * base reports every problem with the file its value came from, and refuses a cycle in one line.
 * The command runs in this worker (test/support/cli.ts): what it decides, not what a process does.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-layers-'));
const put = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};
const validate = (file: string) => runInWorker(['validate', '--spec', file]);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('blueprint validate with extends', () => {
  it('GIVEN a company base, a service base and an environment spec WHEN valid THEN exit 0 with the merged name', () => {
    put(
      'company/base.yaml',
      'alerts: { email: ops@example.com }\ntags: { company: acme }\nterraform: { privateRunner: true }\n',
    );
    put(
      'svc/base.yaml',
      'extends: ../company/base.yaml\nname: orders\ncompute: { app: { image: ghcr.io/acme/orders:1 } }\n',
    );
    const r = validate(put('svc/dev.yaml', 'extends: ./base.yaml\nenvironment: dev\n'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid (orders, dev, clouds: aws, gcp, azure)');
  });

  it('GIVEN problems in a base and in the extending file WHEN validated THEN exit 1 and each problem names the file it came from', () => {
    const base = put(
      'bad/base.yaml',
      'name: orders\nalerts: { email: not-an-email }\ncompute: { app: { image: x/y:1 } }\n',
    );
    const r = validate(
      put('bad/prod.yaml', 'extends: ./base.yaml\nenvironment: prod\ndatabase: { readReplicas: 99 }\n'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`alerts\\.email: [^\\n]+\\[from ${base.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\]`),
    );
    const replicas = r.stderr.split('\n').find((l) => l.includes('database.readReplicas')) ?? '';
    expect(replicas).not.toContain('[from');
  });

  it('GIVEN two specs that extend each other WHEN validated THEN exit 1 with one line naming the cycle', () => {
    put('cycle/a.yaml', 'extends: ./b.yaml\n');
    const r = validate(put('cycle/b.yaml', 'extends: ./a.yaml\n'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/would extend itself \(b\.yaml → a\.yaml → b\.yaml\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
