import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import type { Template, TerraformJson } from '../support/outputs';
import { FORCE_NEW, IMMUTABLE_TF_TYPES, STATEFUL_CFN_TYPES, STATEFUL_TF_TYPES } from './stateful';

/*
 * What changes between two synthesized outputs of one cloud: per resource, removed /
 * replaced / updated, with the changed attribute paths. Terraform replacements come from the
 * force-new table; CloudFormation impacts from @aws-cdk/cloudformation-diff (the CloudFormation
 * resource specification's update behaviour per property).
 */

export type Effect = 'destroyed' | 'replaced' | 'may-replace' | 'updated';

export interface ResourceChange {
  /** Terraform address (`type.name`) or CloudFormation logical id. */
  readonly address: string;
  readonly type: string;
  readonly stateful: boolean;
  readonly effect: Effect;
  /** Changed attribute / property paths (empty when destroyed). */
  readonly paths: readonly string[];
}

/** Metadata that never reaches the cloud. */
const IGNORED_KEYS = new Set(['//', 'depends_on', 'lifecycle', 'provider', 'count', 'for_each']);

/** Leaf paths whose values differ between two JSON values ('' = the value itself). */
export function changedPaths(a: unknown, b: unknown, prefix = ''): string[] {
  const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].filter(
      (k) => prefix !== '' || !IGNORED_KEYS.has(k),
    );
    return keys.flatMap((k) => changedPaths(ao[k], bo[k], prefix === '' ? k : `${prefix}.${k}`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix];
}

/** Does a changed path fall under a force-new argument ("a.b" covers "a.b.c")? */
const under = (path: string, arg: string) => path === arg || path.startsWith(`${arg}.`);

/** Changes of every resource that exists in `before`, between two cdk.tf.json files. */
export function terraformChanges(before: TerraformJson, after: TerraformJson): ResourceChange[] {
  const changes: ResourceChange[] = [];
  for (const [type, byName] of Object.entries(before.resource)) {
    for (const [name, config] of Object.entries(byName)) {
      const address = `${type}.${name}`;
      const stateful = STATEFUL_TF_TYPES.includes(type);
      const next = after.resource[type]?.[name];
      if (next === undefined) {
        changes.push({ address, type, stateful, effect: 'destroyed', paths: [] });
        continue;
      }
      const paths = changedPaths(config, next);
      if (paths.length === 0) continue;
      const forceNew = IMMUTABLE_TF_TYPES.includes(type)
        ? paths
        : paths.filter((p) => (FORCE_NEW[type] ?? []).some((arg) => under(p, arg)));
      changes.push({ address, type, stateful, effect: forceNew.length > 0 ? 'replaced' : 'updated', paths });
    }
  }
  return changes;
}

const CFN_EFFECT: Partial<Record<ResourceImpact, Effect>> = {
  [ResourceImpact.WILL_DESTROY]: 'destroyed',
  [ResourceImpact.WILL_ORPHAN]: 'destroyed',
  [ResourceImpact.WILL_REPLACE]: 'replaced',
  [ResourceImpact.MAY_REPLACE]: 'may-replace',
  [ResourceImpact.WILL_UPDATE]: 'updated',
};

/** Changes of every resource that exists in `before`, between two CloudFormation templates. */
export function cloudFormationChanges(before: Template, after: Template): ResourceChange[] {
  const diff = fullDiff(before, after);
  const changes: ResourceChange[] = [];
  diff.resources.forEachDifference((address, change) => {
    if (change.isAddition) return;
    const type = change.oldResourceType ?? '';
    const effect = CFN_EFFECT[change.changeImpact];
    if (effect === undefined) return;
    const paths = [
      ...Object.keys(change.propertyUpdates).map((p) => `Properties.${p}`),
      ...Object.keys(change.otherChanges),
    ];
    changes.push({ address, type, stateful: STATEFUL_CFN_TYPES.includes(type), effect, paths });
  });
  return changes;
}

/** Stateful resources of an output that a change must keep: their addresses. */
export function statefulAddresses(output: TerraformJson | Template): string[] {
  if ('Resources' in output) {
    return Object.entries(output.Resources)
      .filter(([, r]) => STATEFUL_CFN_TYPES.includes(r.Type))
      .map(([id]) => id)
      .sort();
  }
  return Object.entries(output.resource)
    .filter(([type]) => STATEFUL_TF_TYPES.includes(type))
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}
