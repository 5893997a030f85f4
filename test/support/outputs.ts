import type { Side } from '../../lib/change/types';
import type { Cloud } from '../../lib/constants';
import type { ResolvedSpec } from '../../lib/resolve';
import { gatedAwsSynth } from './gated';
import { cachedSynth } from './synth-cache';

/*
 * The synthesized output of a spec, read back as users' tools read it: the CloudFormation
 * template and the two cdk.tf.json files. Cross-cloud suites (parity, safety, boot scripts)
 * assert on these files, never on construct objects. Each spec is synthesized once per cloud and
 * source tree (test/support/synth-cache.ts), without the policy gates unless a test asks for them:
 * the gates do not change the files, and test/constructs/aws/policy*.test.ts run them.
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
  readonly aws?: Template;
  readonly gcp?: TerraformJson;
  readonly azure?: TerraformJson;
}

/** Options of {@link synthToFiles}. */
export interface SynthToFilesOptions {
  /** Run the policy gates too (what `blueprint synth` does); the files are the same. @default false */
  readonly checks?: boolean;
}

/**
 * The files `blueprint synth` writes for the spec's clouds, parsed. Each cloud is its own entry
 * (test/support/synth-cache.ts): synthesized once per spec and source tree, shared by every
 * request that names that cloud, and kept while another cloud's constructs change.
 */
export function synthToFiles(
  spec: ResolvedSpec,
  clouds: readonly Cloud[] = spec.clouds,
  options: SynthToFilesOptions = {},
): Synthesized {
  const out = synthesizedOutputs(spec, options.checks ? clouds.filter((c) => c !== 'aws') : clouds) as {
    -readonly [C in keyof Synthesized]: Synthesized[C];
  };
  // The gates are AWS's: its template then comes from the gated synth, which refuses a finding.
  if (options.checks && clouds.includes('aws') && spec.clouds.includes('aws')) out.aws = gatedAwsSynth(spec).template;
  return out;
}

/** What `blueprint diff` synthesizes for a spec (stacks/change.ts synthOutputs), once per spec, cloud and source tree. */
export function synthesizedOutputs(spec: ResolvedSpec, clouds: readonly Cloud[]): Side['outputs'] {
  const out: { -readonly [C in Cloud]?: NonNullable<Side['outputs'][C]> } = {};
  for (const cloud of clouds.filter((c) => spec.clouds.includes(c))) {
    const file = cachedSynth('cloudOutput', [spec, cloud], [cloud]);
    if (file) (out as Record<Cloud, unknown>)[cloud] = file;
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
