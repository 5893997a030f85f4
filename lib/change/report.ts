import { CLOUD_LABEL, CLOUDS, type Cloud } from '../constants';
import { applyAwsRules } from './aws';
import { checkPostconditions } from './conditions';
import { applyCloudRules, cfnResource, RULES } from './rules';
import { planTerraform } from './terraform';
import {
  ACTIONS,
  type CfnTemplate,
  type Change,
  type ChangeReport,
  type CloudChanges,
  RISKS,
  type Side,
} from './types';

/*
 * One report from two sides: the engine plan per cloud (CloudFormation's is handed in, it needs
 * the engine's diff library), the rules, then ordering and the exit code.
 */

/** CloudFormation's engine plan (stacks/change-aws.ts), injected so lib stays engine-free. */
export type CfnPlanner = (before: CfnTemplate | undefined, after: CfnTemplate | undefined) => Change[];

const order = (c: Change) => [-RISKS.indexOf(c.risk), ACTIONS.indexOf(c.action)];

function sorted(changes: Change[]): Change[] {
  return [...changes].sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return (x[0] ?? 0) - (y[0] ?? 0) || (x[1] ?? 0) - (y[1] ?? 0) || a.resource.localeCompare(b.resource);
  });
}

const SPEC_RULES = Object.entries(RULES)
  .filter(([, r]) => r.level === 'spec')
  .map(([id]) => id);

/** The changes of one cloud between two sides. */
export function cloudChanges(cloud: Cloud, old: Side, neu: Side, planCfn: CfnPlanner): CloudChanges {
  const notes: string[] = [];
  const before = old.outputs[cloud];
  const after = neu.outputs[cloud];
  if (before === undefined) notes.push(`no previous ${CLOUD_LABEL[cloud]} output: every resource is created`);
  if (!old.spec || !neu.spec)
    notes.push(`spec-level rules not checked (no spec on both sides): ${SPEC_RULES.join(', ')}`);
  const specs = { ...(old.spec ? { oldSpec: old.spec } : {}), ...(neu.spec ? { newSpec: neu.spec } : {}) };
  if (cloud === 'aws') {
    const [b, a] = [before as CfnTemplate | undefined, after as CfnTemplate | undefined];
    const changes = planCfn(b, a);
    applyAwsRules(changes, b, a);
    applyCloudRules({ cloud, changes, before: cfnResource(b), after: cfnResource(a), ...specs });
    return { changes: sorted(changes), notes };
  }
  const plan = planTerraform(before, after);
  const config = (side: typeof plan.before) => (address: string) => side.get(address)?.config;
  applyCloudRules(
    { cloud, changes: plan.changes, before: config(plan.before), after: config(plan.after), ...specs },
    plan,
  );
  notes.push(...plan.notes, ...checkPostconditions(plan, plan.changes));
  const stops = plan.changes.filter((c) => c.action === 'fails' && c.reason.startsWith('fails at plan'));
  if (stops.length > 0) {
    notes.push(
      `the plan fails (${stops.map((c) => c.resource).join(', ')}): Terraform applies none of these changes until that is resolved`,
    );
  }
  return { changes: sorted(plan.changes), notes };
}

/** The report over the chosen clouds (CLOUDS order). */
export function buildReport(old: Side, neu: Side, clouds: readonly Cloud[], planCfn: CfnPlanner): ChangeReport {
  const report: ChangeReport = { clouds: {} };
  for (const cloud of CLOUDS) if (clouds.includes(cloud)) report.clouds[cloud] = cloudChanges(cloud, old, neu, planCfn);
  return report;
}

/** Changes whose risk is not `none`. */
export const needsAttention = (r: ChangeReport): Change[] =>
  Object.values(r.clouds).flatMap((c) => c?.changes.filter((x) => x.risk !== 'none') ?? []);

/** 0 every change is safe, 3 at least one needs attention. */
export const exitCodeOf = (r: ChangeReport): 0 | 3 => (needsAttention(r).length > 0 ? 3 : 0);

/** One line per cloud: how many changes, how many need attention and of which risk. */
export function summaryLine(cloud: Cloud, c: CloudChanges): string {
  if (c.changes.length === 0) return `${CLOUD_LABEL[cloud]}: no changes`;
  const risky = c.changes.filter((x) => x.risk !== 'none');
  const byRisk = RISKS.filter((r) => r !== 'none')
    .map((r) => [r, risky.filter((x) => x.risk === r).length] as const)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${n} ${r}`);
  const n = c.changes.length;
  return `${CLOUD_LABEL[cloud]}: ${n} change${n === 1 ? '' : 's'}, ${
    risky.length === 0
      ? 'all safe'
      : `${risky.length} need${risky.length === 1 ? 's' : ''} attention (${byRisk.join(', ')})`
  }`;
}
