import { azurePostgresSkuAtLeast, azurePostgresSkuCovers } from '../sizes';
import { isObject, valueAt } from './paths';
import { engineChange, fail } from './stateful';
import { isIgnored, referencesOf, type TerraformPlan } from './terraform';
import { DATA_SOURCE_LISTS } from './terraform-facts';
import type { Change } from './types';

/*
 * Custom conditions (lifecycle.postcondition) that Terraform checks while it plans: a false one
 * fails the plan before anything changes. The model evaluates the three forms the stacks emit, with
 * the values Terraform would plan (ignore_changes keeps the deployed value); any other condition,
 * or one whose values are only known at apply, is named in the notes instead.
 */

/** `self.<attr> == <type>.<name>.<attr>`: a resource's attribute must equal another's. */
const EQUALS = /^\$\{\(?self\.([a-z0-9_]+) == ((?:google|azurerm)_[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)\)?\}$/;
/** No deployed instance named by the pattern may be missing from the listed names. */
const NONE_MISSING =
  /^\$\{length\(setsubtract\(\[for (\w+) in self\.(?:instances|resources) : \1\.name if can\(regex\("((?:[^"\\]|\\.)*)", \1\.name\)\)\], (\[[^\]]*\])\)\) == 0\}$/;

/** The primary's SKU, a literal, in a replica-size guard (lib/sizes.ts azurePostgresSkuAtLeast). */
const SKU_LITERAL = /split\("_", ("[^"\\]*")\)/;

const REF = /^\$\{((?:google|azurerm|random|tls)_[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/;

/** The value Terraform plans for an attribute (undefined: known only after apply). */
function plannedValue(
  plan: TerraformPlan,
  side: 'before' | 'after',
  address: string,
  attr: string,
  depth = 0,
): unknown {
  const r = (side === 'after' ? plan.after : plan.before).get(address);
  if (!r || depth > 8) return undefined;
  if (side === 'after' && plan.before.has(address) && isIgnored(r, attr)) {
    return plannedValue(plan, 'before', address, attr, depth + 1);
  }
  const v = valueAt(r.config, attr);
  const ref = typeof v === 'string' ? REF.exec(v) : null;
  if (ref) return plannedValue(plan, side, ref[1] ?? '', ref[2] ?? '', depth + 1);
  return typeof v === 'string' && v.includes('${') ? undefined : v;
}

/** The error message with each `${...}` interpolation replaced by what it evaluates to. */
function rendered(message: string, value: string): string {
  let out = '';
  for (let i = 0; i < message.length; i++) {
    if (message.startsWith('${', i)) {
      let depth = 0;
      let j = i;
      for (; j < message.length; j++) {
        if (message[j] === '{') depth++;
        if (message[j] === '}' && --depth === 0) break;
      }
      out += value;
      i = j;
    } else out += message[i];
  }
  return out;
}

interface Failure {
  /** The changes the failure stops (their resource addresses), or the condition's owner. */
  readonly targets: string[];
  readonly why: string;
  readonly message: string;
}

type Evaluated = Failure | 'holds' | 'unknown';

function equals(plan: TerraformPlan, owner: string, m: RegExpExecArray, message: string): Evaluated {
  const [, attr = '', target = '', targetAttr = ''] = m;
  const mine = plannedValue(plan, 'after', owner, attr);
  const theirs = plannedValue(plan, 'after', target, targetAttr);
  if (mine === undefined || theirs === undefined) return 'unknown';
  if (JSON.stringify(mine) === JSON.stringify(theirs)) return 'holds';
  return {
    targets: [target, owner],
    why: `the postcondition of ${owner}, self.${attr} == ${target}.${targetAttr}, is false (${JSON.stringify(mine)} and ${JSON.stringify(theirs)})`,
    message,
  };
}

function noneMissing(plan: TerraformPlan, owner: string, m: RegExpExecArray, message: string): Evaluated {
  const lists = DATA_SOURCE_LISTS[plan.data.get(owner)?.type ?? ''];
  if (!lists) return 'unknown';
  const pattern = new RegExp(JSON.parse(`"${m[2] ?? ''}"`) as string);
  const kept = new Set(JSON.parse(m[3] ?? '[]') as string[]);
  const deployed = [...plan.before.values()].filter((r) => r.type === lists.lists);
  const missing = deployed.filter((r) => typeof r.config.name === 'string' && pattern.test(r.config.name));
  const dropped = missing.filter((r) => !kept.has(String(r.config.name)));
  if (dropped.length === 0) return 'holds';
  const names = dropped.map((r) => String(r.config.name)).sort();
  return {
    targets: [...dropped.map((r) => r.address), owner],
    why: `the postcondition of ${owner} is false: it lists ${names.join(', ')}, deployed and no longer in the configuration (${lists.source})`,
    message: rendered(message, names.join(', ')),
  };
}

/**
 * A data source that reads a deployed replica (count 1 only when it is deployed) and requires its
 * SKU at least the primary's new one (a literal): the replica as deployed against the new primary.
 */
function skuAtLeast(plan: TerraformPlan, owner: string, condition: string, message: string): Evaluated | undefined {
  const literal = SKU_LITERAL.exec(condition)?.[1];
  if (!literal || condition !== `\${${azurePostgresSkuAtLeast('self.sku_name', literal)}}`) return undefined;
  const name = plan.data.get(owner)?.config.name;
  const replica = [...plan.before.values()].find(
    (r) => r.type === 'azurerm_postgresql_flexible_server' && r.config.name === name,
  );
  if (!replica) return 'holds';
  const planned = JSON.parse(literal) as string;
  const deployed = plannedValue(plan, 'before', replica.address, 'sku_name');
  if (deployed === undefined) return 'unknown';
  if (azurePostgresSkuCovers(deployed, planned)) return 'holds';
  const primary = referencesOf(replica).find((ref) => ref.path === 'source_server_id')?.target;
  return {
    targets: [...(primary ? [primary] : []), owner],
    why: `the postcondition of ${owner} is false: replica ${String(name)} runs ${String(deployed)}, its primary would run ${planned}`,
    message: message.replace(`\${self.sku_name}`, String(deployed)),
  };
}

function evaluate(plan: TerraformPlan, owner: string, condition: string, message: string): Evaluated {
  const eq = EQUALS.exec(condition);
  if (eq) return equals(plan, owner, eq, message);
  const sku = skuAtLeast(plan, owner, condition, message);
  if (sku) return sku;
  const nm = NONE_MISSING.exec(condition);
  return nm ? noneMissing(plan, owner, nm, message) : 'unknown';
}

/** Every postcondition of the new configuration (resources and data sources) with its owner. */
function postconditions(plan: TerraformPlan) {
  const out: Array<{ owner: string; type: string; condition: string; message: string }> = [];
  for (const r of [...plan.after.values(), ...plan.data.values()]) {
    const lc = r.config.lifecycle;
    const list = isObject(lc) && Array.isArray(lc.postcondition) ? lc.postcondition : [];
    for (const p of list.filter(isObject)) {
      out.push({ owner: r.address, type: r.type, condition: String(p.condition), message: String(p.error_message) });
    }
  }
  return out;
}

/** Marks the changes a failing postcondition stops as failing at plan; returns notes on the ones not evaluated. */
export function checkPostconditions(plan: TerraformPlan, changes: Change[]): string[] {
  const notes: string[] = [];
  for (const p of postconditions(plan)) {
    const result = evaluate(plan, p.owner, p.condition, p.message);
    if (result === 'holds') continue;
    if (result === 'unknown') {
      notes.push(`${p.owner}: postcondition not evaluated by the model (${p.condition}); terraform plan checks it`);
      continue;
    }
    let hit = changes.filter((c) => result.targets.includes(c.resource));
    if (hit.length === 0) {
      const owner = engineChange(p.owner, p.type, 'update', ['lifecycle.postcondition']);
      changes.push(owner);
      hit = [owner];
    }
    for (const c of hit) {
      fail(
        c,
        'tf-postcondition',
        'plan',
        `${result.why}; Terraform stops before it changes anything, so no data is lost`,
        result.message,
      );
    }
  }
  return notes;
}
