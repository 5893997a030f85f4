import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { type Layered, originOf, readLayers } from './layers';
import { type ResolvedSpec, resolve } from './resolve';
import { formatProblem, type Problem, validate } from './validate';

/*
 * Reading a spec file. Every way a file can be wrong (missing, a directory, unreadable, empty,
 * wrong extension, too big, YAML/JSON syntax, alias bombs) yields one clear line; nothing
 * here throws to the caller.
 */

/** Largest spec file accepted; real specs are a few KiB. */
export const MAX_SPEC_BYTES = 1024 * 1024;
/** YAML aliases allowed in one document; refuses "billion laughs" expansion. */
export const MAX_YAML_ALIASES = 50;
/** Nesting depth allowed; the schema is 5 levels deep, so anything far deeper is hostile. */
export const MAX_NESTING = 32;
export const SPEC_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

/** The example spec shipped with the package: the default of every entry point. */
export const EXAMPLE_SPEC_PATH = findExample();

function findExample(): string {
  // lib/ in the source tree, dist/lib/ when compiled: walk up to the package root.
  for (const up of ['..', path.join('..', '..')]) {
    const candidate = path.resolve(__dirname, up, 'examples', 'shop-api.yaml');
    if (fs.existsSync(candidate)) return candidate;
  }
  return path.resolve(__dirname, '..', 'examples', 'shop-api.yaml');
}

/** The spec path for cdk.json / cdktf.json apps: BLUEPRINT_SPEC, else the example. */
export function specPathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.BLUEPRINT_SPEC?.trim();
  return fromEnv ? fromEnv : EXAMPLE_SPEC_PATH;
}

export type ReadResult =
  | { readonly ok: true; readonly data: unknown }
  | { readonly ok: false; readonly problems: readonly string[] };

function depth(value: unknown, limit: number): number {
  const stack: Array<[unknown, number]> = [[value, 1]];
  let max = 0;
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (d > max) max = d;
    if (max > limit) return max;
    if (v !== null && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** Parses spec text; `name` is used in messages (a file path or "<stdin>"). */
export function parseSpecText(text: string, name: string, format: 'yaml' | 'json'): ReadResult {
  if (text.trim() === '')
    return {
      ok: false,
      problems: [
        `${name}: the file is empty; a spec needs at least name, environment, compute.app.image and alerts.email`,
      ],
    };
  let data: unknown;
  if (format === 'json') {
    try {
      data = JSON.parse(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const pos = /position (\d+)/.exec(message);
      if (pos) {
        const before = text.slice(0, Number(pos[1]));
        const line = before.split('\n').length;
        const column = Number(pos[1]) - before.lastIndexOf('\n');
        return {
          ok: false,
          problems: [
            `${name}:${line}:${column}: JSON syntax error: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
          ],
        };
      }
      return { ok: false, problems: [`${name}: JSON syntax error: ${message}`] };
    }
  } else {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
    if (doc.errors.length > 0) {
      return {
        ok: false,
        problems: doc.errors.map((e) => {
          const at = lineCounter.linePos(e.pos[0]);
          return `${name}:${at.line}:${at.col}: YAML syntax error: ${e.message.split('\n')[0]}`;
        }),
      };
    }
    if (doc.contents !== null && !isMap(doc.contents)) {
      return {
        ok: false,
        problems: [
          `${name}: a spec must be a mapping of fields (name: ..., environment: ...), not a ${doc.contents.constructor.name === 'YAMLSeq' ? 'list' : 'single value'}`,
        ],
      };
    }
    try {
      data = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        problems: [
          `${name}: refused: ${/alias/i.test(message) ? `too many YAML alias expansions (at most ${MAX_YAML_ALIASES}); write the values out` : message}`,
        ],
      };
    }
  }
  if (depth(data, MAX_NESTING) > MAX_NESTING) {
    return { ok: false, problems: [`${name}: refused: nested more than ${MAX_NESTING} levels deep`] };
  }
  return { ok: true, data };
}

/** Reads and parses a spec file, turning every file-system problem into one line. */
export function readSpecFile(file: string): ReadResult {
  const ext = path.extname(file).toLowerCase();
  if (!(SPEC_EXTENSIONS as readonly string[]).includes(ext)) {
    return { ok: false, problems: [`${file}: unsupported file type "${ext || '(none)'}"; use .yaml, .yml or .json`] };
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'cannot be read');
    return { ok: false, problems: [`${file}: cannot read the spec: ${reason}`] };
  }
  if (stat.isDirectory()) return { ok: false, problems: [`${file}: is a directory, not a spec file`] };
  if (!stat.isFile()) return { ok: false, problems: [`${file}: is not a regular file`] };
  if (stat.size > MAX_SPEC_BYTES)
    return { ok: false, problems: [`${file}: is ${stat.size} bytes; a spec may be at most ${MAX_SPEC_BYTES} bytes`] };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      problems: [`${file}: cannot read the spec: ${code === 'EACCES' ? 'permission denied' : (code ?? 'read error')}`],
    };
  }
  if (text.includes('\u0000')) return { ok: false, problems: [`${file}: is binary, not a YAML or JSON spec`] };
  return parseSpecText(text, file, ext === '.json' ? 'json' : 'yaml');
}

export type LoadResult =
  | { readonly ok: true; readonly spec: ResolvedSpec; readonly file: string; readonly warnings: readonly string[] }
  | {
      readonly ok: false;
      readonly problems: readonly string[];
      readonly file: string;
      readonly warnings: readonly string[];
    };

/**
 * Deploy-time inputs that may come from the environment of the machine running Terraform
 * instead of the spec (README "Deploying"): BLUEPRINT_AZURE_KEYVAULT_ALLOWED_IPS adds CIDRs to
 * terraform.runnerCidrs, BLUEPRINT_AZURE_CERT_VAULT_ID fills
 * loadBalancer.https.certificate.azureKeyVaultId when the spec leaves it out. Applied to the
 * parsed document before validation, so the same rules check both sources. Anything that is not
 * shaped like a spec is returned untouched (validation reports it).
 */
export function withDeployEnvironment(data: unknown, env: NodeJS.ProcessEnv = process.env): unknown {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(data)) return data;
  const ips = (env.BLUEPRINT_AZURE_KEYVAULT_ALLOWED_IPS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const vault = env.BLUEPRINT_AZURE_CERT_VAULT_ID?.trim();
  let out = data;
  if (ips.length > 0 && (out.terraform === undefined || isObj(out.terraform))) {
    const terraform = (out.terraform ?? {}) as Record<string, unknown>;
    const existing = Array.isArray(terraform.runnerCidrs) ? terraform.runnerCidrs : [];
    out = {
      ...out,
      terraform: { ...terraform, runnerCidrs: [...existing, ...ips.filter((ip) => !existing.includes(ip))] },
    };
  }
  const lb = out.loadBalancer;
  if (vault && isObj(lb) && isObj(lb.https)) {
    const cert = lb.https.certificate === undefined ? {} : lb.https.certificate;
    if (isObj(cert) && cert.azureKeyVaultId === undefined) {
      out = {
        ...out,
        loadBalancer: { ...lb, https: { ...lb.https, certificate: { ...cert, azureKeyVaultId: vault } } },
      };
    }
  }
  return out;
}

/** A problem as a line; for a layered spec, with the file that gave the value when it is not `file`. */
function located(p: Problem, layered: Layered, file: string): string {
  const origin = originOf(layered, p.path);
  return origin && origin !== file ? `${formatProblem(p)} [from ${origin}]` : formatProblem(p);
}

/**
 * Reads (following `extends`), validates and resolves a spec file; problems come back as
 * printable lines, each naming the file its value came from when that is a base spec.
 */
export function loadSpec(file: string = EXAMPLE_SPEC_PATH, env: NodeJS.ProcessEnv = process.env): LoadResult {
  const read = readLayers(file, readSpecFile);
  if (!read.ok) return { ok: false, problems: read.problems, file, warnings: [] };
  const { layered } = read;
  const result = validate(withDeployEnvironment(layered.data, env));
  const warnings = result.warnings.map((w) => located(w, layered, file));
  if (!result.ok) return { ok: false, problems: result.problems.map((p) => located(p, layered, file)), file, warnings };
  return { ok: true, spec: resolve(result.spec), file, warnings };
}
