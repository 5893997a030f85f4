import * as fs from 'node:fs';
import * as path from 'node:path';
import { backend, ENGINE_PACKAGES, MissingEngineError } from '../../stacks/backend';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const notFound = (name: string) =>
  Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- x.js`), { code: 'MODULE_NOT_FOUND' });

describe('backend', () => {
  test('GIVEN an engine package that is not installed WHEN a back end loads THEN one line names it and every package to install, as an input error (exit 1)', () => {
    const load = () =>
      backend('gcp', () => {
        throw notFound('@cdktf/provider-google/lib/provider');
      });
    expect(load).toThrow(MissingEngineError);
    expect(load).toThrow(
      'the GCP back end needs @cdktf/provider-google, which is not installed: npm install cdktf constructs @cdktf/provider-google @cdktf/provider-random',
    );
    try {
      load();
    } catch (error) {
      expect((error as Error).name).toBe('InputError');
      expect((error as Error).message.split('\n')).toHaveLength(1);
    }
  });

  test('GIVEN a module of the project itself missing WHEN a back end loads THEN the error is not turned into an install hint', () => {
    expect(() =>
      backend('aws', () => {
        throw notFound('./aws-stack');
      }),
    ).toThrow('the AWS back end is not available yet in this version');
    expect(() =>
      backend('aws', () => {
        throw notFound('left-pad');
      }),
    ).toThrow(/Cannot find module 'left-pad'/);
  });

  test('GIVEN package.json WHEN read THEN every engine is an optional peer dependency with an exact dev pin, and none is a dependency', () => {
    const engines = [...new Set(Object.values(ENGINE_PACKAGES).flat())].sort();
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(engines);
    for (const e of engines) {
      expect({ e, optional: pkg.peerDependenciesMeta[e]?.optional }).toEqual({ e, optional: true });
      expect({ e, pin: pkg.devDependencies[e] }).toEqual({ e, pin: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
      expect({ e, dependency: e in pkg.dependencies }).toEqual({ e, dependency: false });
    }
    expect(pkg.private).toBeUndefined();
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', './aws', './azure', './gcp', './package.json']);
  });
});
