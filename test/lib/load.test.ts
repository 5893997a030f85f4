import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  EXAMPLE_SPEC_PATH,
  loadSpec,
  parseSpecText,
  readSpecFile,
  specPathFromEnv,
  withDeployEnvironment,
} from '../../lib/load';
import { formatProblem, validate } from '../../lib/validate';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-load-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const oneLine = (result: { ok: boolean; problems?: readonly string[] }) => {
  expect(result.ok).toBe(false);
  expect(result.problems).toHaveLength(1);
  return result.problems?.[0] ?? '';
};

describe('reading spec files', () => {
  it('the example spec loads and resolves', () => {
    const result = loadSpec(EXAMPLE_SPEC_PATH);
    expect(result.ok && result.spec.name).toBe('shop-api');
  });

  it('BLUEPRINT_SPEC selects the spec; blank or unset means the example', () => {
    expect(specPathFromEnv({ BLUEPRINT_SPEC: '/x/y.yaml' })).toBe('/x/y.yaml');
    expect(specPathFromEnv({ BLUEPRINT_SPEC: '  ' })).toBe(EXAMPLE_SPEC_PATH);
    expect(specPathFromEnv({})).toBe(EXAMPLE_SPEC_PATH);
  });

  it.each([
    ['a missing file', () => path.join(dir, 'nope.yaml'), 'cannot read the spec: no such file'],
    [
      'a directory',
      () => fs.mkdirSync(path.join(dir, 'd.yaml'), { recursive: true }) ?? path.join(dir, 'd.yaml'),
      'is a directory',
    ],
    ['a wrong extension', () => write('spec.txt', 'name: x'), 'unsupported file type ".txt"'],
    ['no extension', () => write('spec', 'name: x'), 'unsupported file type "(none)"'],
    ['an empty file', () => write('empty.yaml', '  \n\n'), 'the file is empty'],
    ['a binary file', () => write('bin.yaml', 'a\u0000b'), 'is binary'],
    ['a YAML list', () => write('list.yaml', '- a\n- b\n'), 'must be a mapping'],
    ['a huge file', () => write('big.yaml', `# ${'x'.repeat(1024 * 1024)}`), 'at most 1048576 bytes'],
  ])('GIVEN %s THEN one clear line', (_title, make, expected) => {
    const file = make();
    expect(oneLine(readSpecFile(file))).toContain(expected);
  });

  it('GIVEN an unreadable file THEN one clear line (when not running as root)', () => {
    const file = write('secret.yaml', 'name: x');
    fs.chmodSync(file, 0o000);
    const result = readSpecFile(file);
    // root reads anything; the check only means something for other users.
    if (process.getuid?.() !== 0) expect(oneLine(result)).toContain('permission denied');
    else expect(result.ok).toBe(true);
  });

  it('YAML syntax errors report line and column', () => {
    const result = parseSpecText('name: shop\nenvironment: [prod\ncompute: {}\n', 'spec.yaml', 'yaml');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problems[0]).toMatch(/^spec\.yaml:\d+:\d+: YAML syntax error/);
  });

  it('duplicate YAML keys are errors, not silently last-wins', () => {
    const result = parseSpecText('name: a\nname: b\n', 'spec.yaml', 'yaml');
    expect(result.ok ? '' : result.problems[0]).toMatch(/^spec\.yaml:2:1: YAML syntax error: Map keys must be unique/);
  });

  it('JSON syntax errors report line and column', () => {
    const result = parseSpecText('{\n  "name": "x",\n  oops\n}', 'spec.json', 'json');
    expect(result.ok ? '' : result.problems[0]).toMatch(/^spec\.json:3:\d+: JSON syntax error/);
  });

  it('refuses billion-laughs alias expansion', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const result = parseSpecText(lines.join('\n'), 'bomb.yaml', 'yaml');
    expect(result.ok ? '' : result.problems[0]).toContain('too many YAML alias expansions');
  });

  it('refuses absurd nesting', () => {
    const deep = `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`;
    expect(parseSpecText(deep, 'deep.json', 'json')).toEqual({
      ok: false,
      problems: ['deep.json: refused: nested more than 32 levels deep'],
    });
  });

  it('an invalid spec comes back as printable lines', () => {
    const file = write('bad.yaml', 'name: ab\nenvironment: dev\nterraform: { privateRunner: true }\n');
    const result = loadSpec(file);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual([
      'name: must be at least 3 characters (given "ab")',
      'compute: is required (object)',
      'alerts: is required (object)',
    ]);
  });
});

/** The corner of a spec the certificate tests read back. */
type CertHolder = { loadBalancer: { https: { certificate: { azureKeyVaultId?: string } } } };

describe('deploy inputs from the environment', () => {
  const spec = {
    name: 'shop-api',
    environment: 'dev',
    loadBalancer: {
      https: { domain: 'api.example.com', certificate: { azure: 'https://kv-a.vault.azure.net/secrets/c' } },
    },
    terraform: { runnerCidrs: ['203.0.113.4/32'] },
  };

  it('GIVEN BLUEPRINT_AZURE_KEYVAULT_ALLOWED_IPS THEN its CIDRs join terraform.runnerCidrs once', () => {
    const out = withDeployEnvironment(spec, {
      BLUEPRINT_AZURE_KEYVAULT_ALLOWED_IPS: ' 198.51.100.0/24,203.0.113.4/32 ',
    });
    expect((out as typeof spec).terraform.runnerCidrs).toEqual(['203.0.113.4/32', '198.51.100.0/24']);
  });

  it('GIVEN BLUEPRINT_AZURE_CERT_VAULT_ID THEN it fills azureKeyVaultId, never overriding the spec', () => {
    const id =
      '/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-a';
    const out = withDeployEnvironment(spec, { BLUEPRINT_AZURE_CERT_VAULT_ID: id }) as CertHolder;
    expect(out.loadBalancer.https.certificate.azureKeyVaultId).toBe(id);
    const given = {
      ...spec,
      loadBalancer: { https: { ...spec.loadBalancer.https, certificate: { azure: 'x', azureKeyVaultId: 'mine' } } },
    };
    expect(
      (withDeployEnvironment(given, { BLUEPRINT_AZURE_CERT_VAULT_ID: id }) as CertHolder).loadBalancer.https.certificate
        .azureKeyVaultId,
    ).toBe('mine');
  });

  it('GIVEN input that is not spec-shaped THEN it is returned untouched for validation to report', () => {
    const env = { BLUEPRINT_AZURE_KEYVAULT_ALLOWED_IPS: '203.0.113.4/32', BLUEPRINT_AZURE_CERT_VAULT_ID: 'v' };
    for (const input of [null, 'text', [1], { terraform: 'x' }])
      expect(withDeployEnvironment(input, env)).toEqual(input);
    const odd = { loadBalancer: { https: 3 } };
    expect(withDeployEnvironment(odd, { BLUEPRINT_AZURE_CERT_VAULT_ID: 'v' })).toEqual(odd);
  });
});

describe('layered specs (extends)', () => {
  const layers = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-layers-'));
  afterAll(() => fs.rmSync(layers, { recursive: true, force: true }));
  const put = (name: string, text: string) => {
    const file = path.join(layers, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  put(
    'base.yaml',
    [
      'name: shop-api',
      'compute: { size: small, minInstances: 2, app: { image: ghcr.io/acme/api:1, env: { A: "1", B: "2" } } }',
      'alerts: { email: ops@example.com }',
      'tags: { team: payments }',
      'terraform: { privateRunner: true }',
    ].join('\n'),
  );

  it('GIVEN a spec extending a base THEN mappings merge and its own values win', () => {
    const file = put(
      'dev.yaml',
      'extends: ./base.yaml\nenvironment: dev\ncompute: { size: medium, app: { env: { B: "3" } } }\n',
    );
    const result = loadSpec(file);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.spec.compute.size).toBe('medium');
    expect(result.spec.compute.minInstances).toBe(2);
    expect(result.spec.compute.app.env).toEqual({ A: '1', B: '3' });
    expect(result.spec.tags.team).toBe('payments');
  });

  it('GIVEN a list in the extending spec THEN it replaces the base list', () => {
    put('paths.yaml', 'extends: ./base.yaml\nenvironment: dev\ncdn: { cachedPaths: ["/a/*"] }\n');
    const file = put('paths2.yaml', 'extends: ./paths.yaml\ncdn: { cachedPaths: ["/b/*"] }\n');
    const result = loadSpec(file);
    expect(result.ok && result.spec.cdn.cachedPaths).toEqual(['/b/*']);
  });

  it('GIVEN a problem in the base THEN it names the base file; in the spec itself THEN no file tag', () => {
    put(
      'bad-base.yaml',
      'name: shop-api\ncompute: { maxInstance: 3, app: { image: ghcr.io/acme/api:1 } }\nalerts: { email: ops@example.com }\n',
    );
    const file = put(
      'child.yaml',
      'extends: bad-base.yaml\nenvironment: dev\nterraform: { privateRunner: true }\ndatabase: { readReplicas: 99 }\n',
    );
    const result = loadSpec(file);
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toContainEqual(
      expect.stringMatching(/^compute\.maxInstance: unknown field.*\[from .*bad-base\.yaml\]$/),
    );
    expect(problems).toContainEqual(expect.stringMatching(/^database\.readReplicas: must be at most 15 \(given 99\)$/));
  });

  it.each([
    [
      'a cycle',
      () => {
        put('b.yaml', 'extends: ./a.yaml\n');
        return put('a.yaml', 'extends: ./b.yaml\n');
      },
      'would extend itself (a.yaml → b.yaml → a.yaml)',
    ],
    ['itself', () => put('self.yaml', 'extends: ./self.yaml\n'), 'would extend itself'],
    [
      'an absolute path',
      () => put('abs.yaml', `extends: ${path.join(layers, 'base.yaml')}\n`),
      'must be a relative path',
    ],
    ['not a string', () => put('num.yaml', 'extends: 3\n'), 'must be the relative path'],
    [
      'a missing base',
      () => put('missing.yaml', 'extends: ./nope.yaml\n'),
      'nope.yaml: cannot read the spec: no such file',
    ],
    [
      'too deep a chain',
      () => {
        put('l0.yaml', 'name: shop-api\n');
        for (let i = 1; i <= 6; i++) put(`l${i}.yaml`, `extends: ./l${i - 1}.yaml\n`);
        return path.join(layers, 'l6.yaml');
      },
      'at most 4 levels of extends',
    ],
  ])('GIVEN %s THEN one clear line', (_name, make, expected) => {
    const result = loadSpec(make());
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual([expect.stringContaining(expected)]);
  });

  it('GIVEN validate() on an unmerged document THEN extends is refused with the reason', () => {
    const result = validate({ extends: './base.yaml', name: 'x' });
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
      'extends: is followed when a spec is read from a file (loadSpec, the blueprint commands); give validate() the merged spec (given "./base.yaml")',
    ]);
  });
});
