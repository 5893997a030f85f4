import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { loadResourceModel } from '@aws-cdk/cloudformation-diff/lib/diff/util';
import { isCustomResource } from '../lib/change/aws';
import { baseReason, engineChange, statefulClass } from '../lib/change/stateful';
import type { CfnResource, CfnTemplate, Change } from '../lib/change/types';

/*
 * CloudFormation's engine plan between two templates: @aws-cdk/cloudformation-diff, whose impacts
 * come from the CloudFormation resource schemas in @aws-cdk/aws-service-spec (causesReplacement
 * per property: yes / maybe / no). Added here: a property that refers to a replaced resource
 * (Ref / Fn::GetAtt) gets a new value, and so does a GetAtt of a launch template's version.
 */

/** Keys of a resource other than its properties that are not deployed changes. */
const IGNORED_OTHER = new Set(['Metadata']);

const change = (id: string, r: CfnResource, action: Change['action'], attributes: string[]): Change =>
  engineChange(id, r.Type, action, attributes);

/** What the CloudFormation schema says a property change does: always / conditionally / never replaces. */
export function replacementOf(type: string, property: string): 'yes' | 'maybe' | 'no' | undefined {
  return loadResourceModel(type)?.properties[property]?.causesReplacement as 'yes' | 'maybe' | 'no' | undefined;
}

/**
 * The property names of a type in the CloudFormation schema (undefined: unknown type). A custom
 * resource has the generic custom resource's (ServiceToken); its other properties are its provider's.
 */
export function schemaProperties(type: string): string[] | undefined {
  const model = loadResourceModel(isCustomResource(type) ? 'AWS::CloudFormation::CustomResource' : type);
  return model ? Object.keys(model.properties) : undefined;
}

function engineChanges(before: CfnTemplate, after: CfnTemplate): Change[] {
  const out: Change[] = [];
  fullDiff(before, after).resources.forEachDifference((id, d) => {
    if (d.isAddition && d.newValue) return void out.push(change(id, d.newValue as CfnResource, 'create', []));
    if (d.isRemoval && d.oldValue) return void out.push(change(id, d.oldValue as CfnResource, 'delete', []));
    const r = (d.newValue ?? d.oldValue) as CfnResource;
    const props = Object.entries(d.propertyUpdates);
    const replacing = props
      .filter(
        ([, p]) => p.changeImpact === ResourceImpact.WILL_REPLACE || p.changeImpact === ResourceImpact.MAY_REPLACE,
      )
      .map(([k]) => k);
    const other = Object.keys(d.otherChanges).filter((k) => !IGNORED_OTHER.has(k));
    if (d.changeImpact === ResourceImpact.WILL_REPLACE || d.changeImpact === ResourceImpact.MAY_REPLACE) {
      const c = change(id, r, 'replace', replacing.length > 0 ? replacing : ['Type']);
      const maybe = d.changeImpact === ResourceImpact.MAY_REPLACE ? ' (the schema says it may)' : '';
      c.reason = `${c.attributes.join(', ')} requires replacement${maybe}: ${c.reason}`;
      out.push(c);
    } else if (props.length + other.length > 0) out.push(change(id, r, 'update', [...props.map(([k]) => k), ...other]));
  });
  return out;
}

/** Logical ids a property value refers to (Ref, Fn::GetAtt), with the attribute for GetAtt. */
function refsIn(value: unknown, out: Array<{ target: string; attribute?: string }> = []) {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') out.push({ target: v.Ref });
    const att = v['Fn::GetAtt'];
    if (Array.isArray(att)) out.push({ target: String(att[0]), attribute: String(att[1]) });
    else if (typeof att === 'string') out.push({ target: att.split('.')[0] ?? '', attribute: att.split('.')[1] });
    for (const x of Object.values(v)) refsIn(x, out);
  }
  return out;
}

/** Attributes that change on an in-place update of their resource. */
const CHANGES_ON_UPDATE: Readonly<Record<string, readonly string[]>> = {
  'AWS::EC2::LaunchTemplate': ['LatestVersionNumber', 'DefaultVersionNumber'],
};

function moves(target: Change | undefined, attribute: string | undefined): boolean {
  if (!target) return false;
  if (target.action === 'replace') return true;
  return (
    target.action === 'update' && attribute !== undefined && (CHANGES_ON_UPDATE[target.type] ?? []).includes(attribute)
  );
}

/** Properties that refer to a replaced resource (or a moving attribute) change too, until nothing moves. */
function propagate(after: CfnTemplate, changes: Map<string, Change>) {
  for (let moved = true; moved; ) {
    moved = false;
    for (const [id, r] of Object.entries(after.Resources)) {
      const current = changes.get(id);
      if (current?.action === 'create' || current?.action === 'replace') continue;
      for (const [prop, value] of Object.entries(r.Properties ?? {})) {
        const via = refsIn(value).find((ref) => moves(changes.get(ref.target), ref.attribute));
        if (!via || current?.attributes.includes(prop)) continue;
        const c = current ?? change(id, r, 'update', []);
        c.attributes.push(prop);
        c.reason = `${prop} refers to ${via.target}, which changes: ${c.reason}`;
        if (replacementOf(r.Type, prop) === 'yes')
          Object.assign(c, change(id, r, 'replace', [prop]), {
            reason: `${prop} refers to the replaced ${via.target} and requires replacement: ${baseReason('replace', statefulClass(r.Type))}`,
          });
        changes.set(id, c);
        moved = true;
        break;
      }
    }
  }
}

/** The engine plan of one stack (before the rules of lib/change/aws.ts). */
export function planCloudFormation(before: CfnTemplate | undefined, after: CfnTemplate | undefined): Change[] {
  const [b, a] = [before ?? { Resources: {} }, after ?? { Resources: {} }];
  const changes = new Map(engineChanges(b, a).map((c) => [c.resource, c]));
  propagate(a, changes);
  return [...changes.values()];
}
