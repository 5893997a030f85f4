import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Cloud } from '../../lib/constants';
import type { ResolvedSpec } from '../../lib/resolve';
import { synthesize } from '../../stacks/synth';

/*
 * The synthesized output of a spec, read back as users' tools read it: the CloudFormation
 * template and the two cdk.tf.json files. Cross-cloud suites (parity, safety, boot scripts)
 * assert on these files, never on construct objects.
 */

export type Template = {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [k: string]: unknown }>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
};
export type TerraformJson = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown; sensitive?: boolean }>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
};

export interface Synthesized {
  readonly dir: string;
  readonly aws?: Template;
  readonly gcp?: TerraformJson;
  readonly azure?: TerraformJson;
}

/** Synthesizes the spec's clouds into a fresh temporary directory and reads the files back. */
export function synthToFiles(spec: ResolvedSpec, clouds: readonly Cloud[] = spec.clouds): Synthesized {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-synth-'));
  const out: { dir: string; aws?: Template; gcp?: TerraformJson; azure?: TerraformJson } = { dir };
  for (const r of synthesize(spec, dir, clouds)) {
    const json = JSON.parse(fs.readFileSync(r.file, 'utf8'));
    if (r.cloud === 'aws') out.aws = json as Template;
    else out[r.cloud] = json as TerraformJson;
  }
  return out;
}

/** Resources of one CloudFormation type. */
export function cfnOfType(t: Template, type: string): Array<[string, Record<string, unknown>]> {
  return Object.entries(t.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}

/** Resources of one Terraform type, by name. */
export function tfOfType(t: TerraformJson, type: string): Array<[string, Record<string, unknown>]> {
  return Object.entries(t.resource[type] ?? {});
}

/** Every Terraform address (`type.name`) in a cdk.tf.json. */
export function tfAddresses(t: TerraformJson): string[] {
  return Object.entries(t.resource).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));
}

/* ---- rendering deploy-time strings with placeholders, to check them with real tools ---- */

export const PLACEHOLDER = 'deploy-time-value';

/** Joins a CloudFormation string expression (Fn::Join / Fn::Base64 / Fn::Sub), tokens → placeholder. */
export function renderCfnString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('Fn::Base64' in v) return renderCfnString(v['Fn::Base64']);
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(renderCfnString).join(sep);
    }
    if ('Fn::Sub' in v) {
      const arg = v['Fn::Sub'];
      const text = Array.isArray(arg) ? String(arg[0]) : String(arg);
      return text.replace(/\$\{[^}]+\}/g, PLACEHOLDER);
    }
  }
  return PLACEHOLDER;
}

/** Replaces Terraform `${...}` interpolations (with nested braces) by the placeholder. */
export function renderTfTemplate(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}' && --depth === 0) break;
      }
      out += PLACEHOLDER;
      i = j;
    } else out += text[i];
  }
  return out;
}

/**
 * The text inside `${base64encode("...")}` (how CDKTF writes custom data built from tokens):
 * the HCL string literal is unescaped, and interpolations inside become the placeholder.
 */
export function renderTfBase64(value: string): string {
  const m = /^\$\{base64encode\("([\s\S]*)"\)\}$/.exec(value);
  if (!m) return renderTfTemplate(value);
  const literal = (m[1] ?? '').replace(/\$\{[^{}]*(\{[^{}]*\}[^{}]*)*\}/g, PLACEHOLDER);
  return literal.replace(
    /\\(n|"|\\|t|r)/g,
    (_s, c: string) => ({ n: '\n', '"': '"', '\\': '\\', t: '\t', r: '\r' })[c] ?? c,
  );
}
