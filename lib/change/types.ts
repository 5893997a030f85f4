import type { Cloud } from '../constants';
import type { ResolvedSpec } from '../resolve';

/** The three formats of `blueprint diff`: a readable table, a pull-request comment, JSON. */
export const FORMATS = ['text', 'markdown', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/*
 * The change model: what a spec change does to each resource of each cloud. `blueprint diff` and
 * the stateful safety suite (test/safety/) both read it, so the tool and the tests cannot disagree.
 */

/**
 * What happens to one resource: `restart` = updated in place with a restart; `rolling` = its VMs
 * are replaced a batch at a time; `fails` = the engine or the cloud rejects the change.
 */
export const ACTIONS = ['create', 'update', 'restart', 'rolling', 'replace', 'delete', 'fails'] as const;
export type Action = (typeof ACTIONS)[number];

/** How bad a change is, in increasing order; anything but `none` needs attention. */
export const RISKS = ['none', 'downtime', 'data-loss', 'fails'] as const;
export type Risk = (typeof RISKS)[number];

/** One changed resource (unchanged resources are not listed). */
export interface Change {
  /** CloudFormation logical id or Terraform address (`type.name`). */
  resource: string;
  /** CloudFormation or Terraform resource type. */
  type: string;
  action: Action;
  /** The attribute paths that cause the action (changed paths for an update). */
  attributes: string[];
  risk: Risk;
  /** One line: why this action and risk. */
  reason: string;
  /** What to do instead, or empty. */
  advice: string;
  /** Ids of the rules (RULES in rules.ts) that decided action or risk; empty = the engine alone. */
  rules: string[];
}

/** The changes of one cloud, plus what the model could not check. */
export interface CloudChanges {
  changes: Change[];
  notes: string[];
}

/** The whole report: per cloud, in CLOUDS order. */
export interface ChangeReport {
  clouds: Partial<Record<Cloud, CloudChanges>>;
}

/** A CloudFormation template as synthesized (only what the model reads). */
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  [key: string]: unknown;
}
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  UpdatePolicy?: Record<string, unknown>;
  DependsOn?: string | string[];
  [key: string]: unknown;
}

/** A cdk.tf.json as synthesized (only what the model reads). */
export interface TerraformConfig {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  /** Data sources: read at plan time; their postconditions can fail the plan. */
  data?: Record<string, Record<string, Record<string, unknown>>>;
  [key: string]: unknown;
}

/** One side of a diff: the synthesized outputs per cloud, and the resolved spec when known. */
export interface Side {
  readonly outputs: Partial<{ aws: CfnTemplate; gcp: TerraformConfig; azure: TerraformConfig }>;
  /** Absent when the side is a `synth --out` directory: spec-level rules are then skipped. */
  readonly spec?: ResolvedSpec;
}

/** Schema facts of one Terraform resource type (terraform-schema.ts). */
export interface TerraformTypeSchema {
  readonly provider: string;
  readonly version: string;
  /** Provider source file that defines the resource. */
  readonly source: string;
  /** The resource has a CustomizeDiff (read by hand: CUSTOMIZE_DIFF). */
  readonly customizeDiff: boolean;
  /** Attribute path → flags (F force-new, C computed only, S set, M map, B block). */
  readonly attributes: Readonly<Record<string, string>>;
}
