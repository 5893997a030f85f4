import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CONTAINER_NAME, ENV_FILE } from '../../lib/boot';
import { type Cloud, ENV_CONTRACT } from '../../lib/constants';
import { registryOf } from '../../lib/registry';
import type { ResolvedSpec } from '../../lib/resolve';
import { resolved } from '../fixtures';
import {
  cfnOfType,
  renderCfnString,
  renderTfBase64,
  renderTfTemplate,
  type Synthesized,
  synthToFiles,
  tfOfType,
} from '../support/outputs';

/*
 * The boot documents VMs really run, taken from the synthesized output (deploy-time values
 * replaced by a placeholder), checked with real tools: shellcheck on every shell script and
 * `cloud-init schema` on every cloud-config. `npm test` installs both first (scripts/test-tools.js)
 * or stops saying how; a missing tool here fails its checks, it never skips them.
 */

const present = new Map<string, boolean>();
/** Asked once per tool and file: `cloud-init --version` alone starts Python (~0.5 s). */
const has = (tool: string) => {
  if (!present.has(tool)) present.set(tool, spawnSync(tool, ['--version'], { encoding: 'utf8' }).status === 0);
  return present.get(tool) === true;
};
/** A check that needs a tool fails with one line when the tool is missing (npm test installs it). */
const requireTool = (tool: string) => {
  if (!has(tool)) throw new Error(`${tool} is not installed: run npm test (it installs it) or apt-get install ${tool}`);
};

interface BootDoc {
  readonly cloud: Cloud;
  readonly where: string;
  readonly text: string;
}

/** Every boot document in one synthesized spec. */
function bootDocs(out: Synthesized): BootDoc[] {
  const docs: BootDoc[] = [];
  if (out.aws) {
    for (const [id, props] of cfnOfType(out.aws, 'AWS::EC2::LaunchTemplate')) {
      const data = props.LaunchTemplateData as { UserData?: unknown };
      if (data.UserData) docs.push({ cloud: 'aws', where: id, text: renderCfnString(data.UserData) });
    }
  }
  if (out.gcp) {
    for (const [name, r] of tfOfType(out.gcp, 'google_compute_region_instance_template')) {
      const metadata = r.metadata as Record<string, string>;
      const text = metadata['startup-script'] ?? metadata['user-data'];
      if (text) docs.push({ cloud: 'gcp', where: name, text: renderTfTemplate(text) });
    }
  }
  if (out.azure) {
    for (const [name, r] of tfOfType(out.azure, 'azurerm_linux_virtual_machine_scale_set')) {
      docs.push({ cloud: 'azure', where: name, text: renderTfBase64(String(r.custom_data)) });
    }
  }
  return docs;
}

/** Shell scripts in a document: itself, or the executable files a cloud-config writes. */
function shellScripts(doc: BootDoc): Array<{ name: string; text: string }> {
  if (doc.text.startsWith('#!')) return [{ name: doc.where, text: doc.text }];
  const config = parseYaml(doc.text) as { write_files?: Array<{ path: string; content: string }> };
  return (config.write_files ?? [])
    .filter((f) => f.content.startsWith('#!'))
    .map((f) => ({ name: `${doc.where}:${f.path}`, text: f.content }));
}

/** The env file's KEY=VALUE lines as written on the VM. */
function envLines(doc: BootDoc): string[] {
  if (doc.text.startsWith('#cloud-config')) {
    const config = parseYaml(doc.text) as { write_files?: Array<{ path: string; content: string }> };
    return (config.write_files?.find((f) => f.path === ENV_FILE)?.content ?? '').split('\n').filter(Boolean);
  }
  const m = new RegExp(`cat > ${ENV_FILE} <<'BLUEPRINT_ENV'\\n([\\s\\S]*?)\\nBLUEPRINT_ENV`).exec(doc.text);
  return (m?.[1] ?? '').split('\n');
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-boot-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const specs: Array<[string, ResolvedSpec]> = [
  ['example', resolved('example')],
  ['dev', resolved('dev', { compute: { port: 9000, app: { env: { LOG_LEVEL: 'debug' } } } })],
  // Private images in the cloud's own registry: the login lines go through the same checks.
  [
    'ecr',
    resolved('dev', {
      clouds: ['aws'],
      compute: { app: { image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/api:1.4.2' } },
    }),
  ],
  [
    'artifact-registry',
    resolved('dev', {
      clouds: ['gcp'],
      compute: { app: { image: 'us-central1-docker.pkg.dev/acme-prod/apps/api:1.4.2' } },
    }),
  ],
];
const outputs = specs.map(([label, spec]) => [label, synthToFiles(spec)] as const);
const docs: Array<[string, BootDoc]> = outputs.flatMap(([label, out]) =>
  bootDocs(out).map((d) => [`${label} ${d.cloud} ${d.where}`, d] as [string, BootDoc]),
);

/** One-shot job scripts (the GCP database roles job): not app VMs, so only the shell checks apply. */
function jobScripts(out: Synthesized): BootDoc[] {
  return tfOfType(out.gcp ?? { resource: {} }, 'google_compute_instance').map(([name, r]) => ({
    cloud: 'gcp' as const,
    where: name,
    text: renderTfTemplate(String(r.metadata_startup_script ?? '')),
  }));
}
const jobs: Array<[string, BootDoc]> = outputs.flatMap(([label, out]) =>
  jobScripts(out).map((d) => [`${label} ${d.cloud} ${d.where}`, d] as [string, BootDoc]),
);
const specOf = (label: string) => (specs.find(([l]) => label.startsWith(`${l} `)) as [string, ResolvedSpec])[1];

describe('boot documents', () => {
  it('every cloud has at least one VM boot document per spec', () => {
    for (const [label, spec] of specs) {
      const clouds = new Set(docs.filter(([l]) => l.startsWith(`${label} `)).map(([, d]) => d.cloud));
      expect([...clouds].sort()).toEqual([...spec.clouds].sort());
    }
    expect(new Set(docs.map(([, d]) => d.cloud))).toEqual(new Set(['aws', 'azure', 'gcp']));
  });

  it.each(docs)('%s logs in to a private registry only when the image is in one, and before the pull', (label, doc) => {
    const kind = registryOf(specOf(label).compute.app.image).kind;
    const login = { ecr: /aws ecr get-login-password/, artifactRegistry: /docker-credential-gcr configure-docker/ };
    for (const [k, pattern] of Object.entries(login)) {
      if (k !== kind) expect(doc.text).not.toMatch(pattern);
    }
    if (kind === 'ecr' || kind === 'artifactRegistry') {
      const at = doc.text.search(login[kind]);
      expect(at).toBeGreaterThan(-1);
      expect(at).toBeLessThan(doc.text.indexOf('docker pull '));
    }
  });

  it.each(docs)('%s writes the full environment contract and the app env', (label, doc) => {
    const lines = envLines(doc);
    const keys = lines.map((l) => l.split('=')[0]);
    for (const name of ENV_CONTRACT) expect(keys).toContain(name);
    for (const [k, v] of Object.entries(specOf(label).compute.app.env)) expect(lines).toContain(`${k}=${v}`);
    // References only: no generated password or auth token value is ever written to a VM.
    expect(doc.text).not.toMatch(/password\s*[=:]\s*\S{8,}|AUTH_TOKEN=/i);
  });

  it.each(docs)('%s starts the container on the right port with a restart policy', (label, doc) => {
    const spec = specOf(label);
    const port = spec.compute.port;
    expect(doc.text).toContain(`--name ${CONTAINER_NAME}`);
    expect(doc.text).toContain('--restart always');
    expect(doc.text).toContain(`--publish ${port}:${port}`);
    expect(doc.text).toContain(`--env-file ${ENV_FILE}`);
    expect(doc.text).toContain(`'${spec.compute.app.image}'`);
  });

  it.each([...docs, ...jobs])('%s: every shell script passes shellcheck', (_label, doc) => {
    requireTool('shellcheck');
    for (const script of shellScripts(doc)) {
      const file = path.join(dir, `${script.name.replace(/[^\w.-]/g, '_')}.sh`);
      fs.writeFileSync(file, script.text);
      const r = spawnSync('shellcheck', ['--severity=style', '--format=gcc', file], { encoding: 'utf8' });
      expect(r.stdout).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it('every spec with GCP has its database roles job script', () => {
    const withGcp = specs.filter(([, spec]) => spec.clouds.includes('gcp')).map(([label]) => label);
    expect(withGcp.length).toBeGreaterThan(0);
    for (const label of withGcp) {
      const [, job] = jobs.find(([l]) => l.startsWith(`${label} `)) ?? [];
      expect(job?.text).toMatch(/^#!\/bin\/bash\n/);
    }
  });

  it.each(docs.filter(([, d]) => d.text.startsWith('#cloud-config')))(
    '%s: cloud-config passes cloud-init schema',
    (_label, doc) => {
      requireTool('cloud-init');
      const file = path.join(dir, `${doc.cloud}-${doc.where}.yaml`);
      fs.writeFileSync(file, doc.text);
      const r = spawnSync('cloud-init', ['schema', '--config-file', file], { encoding: 'utf8' });
      expect(`${r.stdout}${r.stderr}`).toContain('Valid cloud-config');
      expect(r.status).toBe(0);
    },
  );
});
