import { changedPaths, isObject, normalizePath, stringLeaves, under, valueAt } from './paths';
import { baseReason, baseRisk, engineChange, fail, statefulClass } from './stateful';
import {
  CLIENT_NAMES,
  CUSTOMIZE_DIFF,
  DELETE_GUARDS,
  DELETE_KEEPS,
  type ForceNewWhen,
  FRAMEWORK_SCHEMAS,
  IN_USE,
  NAME_ATTRIBUTE,
  UPDATE_RECREATES,
} from './terraform-facts';
import { TERRAFORM_SCHEMAS } from './terraform-schema';
import type { Change, TerraformConfig, TerraformTypeSchema } from './types';

/*
 * What `terraform plan` + apply does between two cdk.tf.json files, without state or credentials:
 * per resource create / update / replace / delete from the provider schema facts, then Terraform's
 * own rules (ignore_changes, references to replaced resources, create_before_destroy and its
 * propagation, prevent_destroy) and the deletes the provider or the cloud refuses.
 */

/** Resource keys that are Terraform meta-arguments or CDKTF metadata, not provider arguments. */
const META = new Set(['//', 'depends_on', 'lifecycle', 'provider', 'count', 'for_each', 'provisioner', 'connection']);

export interface TfResource {
  readonly address: string;
  readonly type: string;
  readonly config: Record<string, unknown>;
}

/** One planned Terraform change plus what the rules need to know about it. */
interface Planned extends Change {
  /** Every changed path (attributes holds only those that cause the action). */
  changed: string[];
  /** Changed paths that only change because they refer to a replaced resource, with that resource. */
  via: Record<string, string>;
}

/** The plan of one Terraform stack: the changes and both configurations. */
export interface TerraformPlan {
  readonly changes: Change[];
  readonly before: ReadonlyMap<string, TfResource>;
  readonly after: ReadonlyMap<string, TfResource>;
  /** The new configuration's data sources, by `data.<type>.<name>`. */
  readonly data: ReadonlyMap<string, TfResource>;
  /** Resources that are create_before_destroy in the new configuration, with where that comes from. */
  readonly createBeforeDestroy: ReadonlyMap<string, string>;
  /** What the plan shows no change for but the reader should know (ignored paths). */
  readonly notes: string[];
  /** Every changed path of a resource (empty when unchanged). */
  changed(address: string): readonly string[];
}

/** The schema facts of a type (generated table, or the plugin-framework providers). */
export function schemaOf(type: string): TerraformTypeSchema | undefined {
  return TERRAFORM_SCHEMAS[type] ?? FRAMEWORK_SCHEMAS[type];
}

/** The schema attribute governing a path: the path itself or its nearest ancestor in the schema. */
export function governingAttribute(schema: TerraformTypeSchema, path: string): string | undefined {
  for (let p = path; p !== ''; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    if (schema.attributes[p] !== undefined) return p;
  }
  return undefined;
}

/** Does a path, or any block it lies in, carry a flag? */
function flagged(schema: TerraformTypeSchema, path: string, flag: string): boolean {
  const parts = path.split('.');
  return parts.some((_, i) => (schema.attributes[parts.slice(0, i + 1).join('.')] ?? '').includes(flag));
}

export function resourcesOf(tf: TerraformConfig | undefined, block: 'resource' | 'data' = 'resource') {
  const out = new Map<string, TfResource>();
  const prefix = block === 'data' ? 'data.' : '';
  for (const [type, byName] of Object.entries(tf?.[block] ?? {})) {
    for (const [name, config] of Object.entries(byName)) {
      out.set(`${prefix}${type}.${name}`, { address: `${prefix}${type}.${name}`, type, config });
    }
  }
  return out;
}

export const lifecycle = (r: TfResource | undefined): Record<string, unknown> =>
  isObject(r?.config.lifecycle) ? r.config.lifecycle : {};

/** Is a path in the resource's lifecycle.ignore_changes (Terraform keeps the deployed value)? */
export function isIgnored(r: TfResource, path: string): boolean {
  const ignored = lifecycle(r).ignore_changes;
  if (ignored === 'all') return true;
  return Array.isArray(ignored) && ignored.some((i) => under(path, normalizePath(String(i))));
}

/** Changed paths between two configs of one resource: those Terraform plans, and those it ignores. */
function diffPaths(type: string, before: TfResource, after: TfResource): { kept: string[]; ignored: string[] } {
  const schema = schemaOf(type);
  const isSet = (p: string) => schema?.attributes[p]?.includes('S') === true;
  const all = changedPaths(before.config, after.config, { isSet, skipTop: META });
  return { kept: all.filter((p) => !isIgnored(after, p)), ignored: all.filter((p) => isIgnored(after, p)) };
}

const numbers = (v: unknown) => (String(v ?? '').match(/\d+/g) ?? []).map(Number);

function decreased(a: unknown, b: unknown): boolean {
  const [x, y] = [numbers(a), numbers(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) < (x[i] ?? 0);
  }
  return false;
}

function cidrShrinks(a: unknown, b: unknown): boolean {
  const parse = (c: unknown) => {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(String(c));
    if (!m) return undefined;
    const [o1, o2, o3, o4, bits] = m.slice(1).map(Number) as [number, number, number, number, number];
    return { ip: ((o1 << 24) | (o2 << 16) | (o3 << 8) | o4) >>> 0, bits };
  };
  const [x, y] = [parse(a), parse(b)];
  if (!x || !y) return false;
  const mask = y.bits === 0 ? 0 : (~0 << (32 - y.bits)) >>> 0;
  return !(y.bits <= x.bits && (x.ip & mask) >>> 0 === (y.ip & mask) >>> 0);
}

const FORCE_WHEN: Record<ForceNewWhen, (a: unknown, b: unknown) => boolean> = {
  change: () => true,
  decrease: decreased,
  'cidr-shrink': cidrShrinks,
  'was-set': (a) => a !== undefined && a !== '',
  cleared: (a, b) => a !== undefined && a !== '' && (b === undefined || b === ''),
  'element-removed': (a, b) => Array.isArray(a) && a.some((x) => !(Array.isArray(b) && b.includes(x))),
};

/** The changed paths that force a new resource: schema ForceNew, or a CustomizeDiff condition. */
function forcing(type: string, before: TfResource, after: TfResource, paths: readonly string[]): string[] {
  const schema = schemaOf(type);
  if (!schema) return [...paths];
  const custom = CUSTOMIZE_DIFF[type]?.forces ?? [];
  return paths.filter(
    (p) =>
      flagged(schema, p, 'F') ||
      custom.some(
        (f) =>
          (under(p, f.attribute) || under(f.attribute, p)) &&
          FORCE_WHEN[f.when](valueAt(before.config, f.attribute), valueAt(after.config, f.attribute)),
      ),
  );
}

function planned(r: TfResource, action: Change['action'], attributes: string[], changed: string[]): Planned {
  return { ...engineChange(r.address, r.type, action, attributes, r.config), changed, via: {} };
}

function updateOf(before: TfResource, after: TfResource, notes: string[]): Planned | undefined {
  const { kept: paths, ignored } = diffPaths(after.type, before, after);
  if (ignored.length > 0) {
    notes.push(
      `${after.address}: ${ignored.join(', ')} changed in the configuration but ${ignored.length === 1 ? 'is' : 'are'} in lifecycle.ignore_changes: Terraform keeps the deployed value`,
    );
  }
  if (paths.length === 0) return undefined;
  const force = forcing(after.type, before, after, paths);
  if (force.length === 0) return planned(after, 'update', [...paths], paths);
  const p = planned(after, 'replace', force, paths);
  const schema = schemaOf(after.type);
  p.reason = schema
    ? `${force.join(', ')} cannot change in place (${schema.provider} ${schema.version} ${schema.source}): ${p.reason}`
    : `no schema facts for ${after.type}: treated as replaced`;
  p.rules.push(schema ? 'tf-force-new' : 'tf-unknown-type');
  return p;
}

/** References of a resource: `${type.name.attr}` in its arguments, and depends_on. */
export function referencesOf(r: TfResource): Array<{ path: string; target: string; attribute?: string }> {
  const refs: Array<{ path: string; target: string; attribute?: string }> = [];
  const re = /(?<![\w.])((?:google|azurerm|random|tls)_[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)/g;
  for (const [key, value] of Object.entries(r.config)) {
    if (META.has(key)) continue;
    for (const leaf of stringLeaves(value, key)) {
      if (!leaf.value.includes('${')) continue;
      for (const m of leaf.value.matchAll(re)) refs.push({ path: leaf.path, target: m[1] ?? '', attribute: m[2] });
    }
  }
  const deps = Array.isArray(r.config.depends_on) ? r.config.depends_on : [];
  for (const d of deps) refs.push({ path: 'depends_on', target: String(d) });
  return refs;
}

/** Is `attr` of a planned replacement known at plan time (a literal in its new config)? */
function knownAfterReplace(target: TfResource | undefined, attr: string | undefined): boolean {
  const v = attr === undefined ? undefined : target?.config[attr];
  return v !== undefined && !(typeof v === 'string' && v.includes('${'));
}

/** A resource referring to a replaced one sees "(known after apply)" there: an update, or a replacement. */
function propagate(before: Map<string, TfResource>, after: Map<string, TfResource>, changes: Map<string, Planned>) {
  for (let moved = true; moved; ) {
    moved = false;
    for (const r of after.values()) {
      const old = before.get(r.address);
      const current = changes.get(r.address);
      if (!old || current?.action === 'replace') continue;
      for (const ref of referencesOf(r)) {
        if (ref.attribute === undefined || changes.get(ref.target)?.action !== 'replace') continue;
        if (knownAfterReplace(after.get(ref.target), ref.attribute)) continue;
        const c = changes.get(r.address) ?? planned(r, 'update', [], []);
        if (c.changed.includes(ref.path)) continue;
        c.changed.push(ref.path);
        c.via[ref.path] = ref.target;
        c.attributes.push(ref.path);
        c.rules.push('tf-reference');
        c.reason = `${ref.path} refers to ${ref.target}, which is replaced: ${c.reason}`;
        if (forcing(r.type, old, r, [ref.path]).length > 0) Object.assign(c, replacedBy(r, c, ref.path));
        changes.set(r.address, c);
        moved = true;
      }
    }
  }
}

function replacedBy(r: TfResource, c: Planned, path: string): Partial<Planned> {
  const cls = statefulClass(r.type, r.config);
  return {
    action: 'replace',
    attributes: [path],
    risk: baseRisk('replace', cls),
    reason: `${path} is force-new and refers to a replaced resource: ${baseReason('replace', cls)}`,
    rules: [...c.rules, 'tf-force-new'],
  };
}

/** Builds the plan: engine actions, then Terraform's lifecycle rules and the refused deletes. */
export function planTerraform(before: TerraformConfig | undefined, after: TerraformConfig | undefined): TerraformPlan {
  const old = resourcesOf(before);
  const neu = resourcesOf(after);
  const notes: string[] = [];
  const changes = new Map<string, Planned>();
  for (const r of neu.values()) {
    const o = old.get(r.address);
    const c = o ? updateOf(o, r, notes) : planned(r, 'create', [], []);
    if (c) changes.set(r.address, c);
  }
  for (const r of old.values()) if (!neu.has(r.address)) changes.set(r.address, planned(r, 'delete', [], []));
  propagate(old, neu, changes);
  applyLifecycle(old, neu, changes);
  rotations(changes);
  return {
    changes: [...changes.values()].map(({ changed: _changed, via: _via, ...c }) => c),
    before: old,
    after: neu,
    data: resourcesOf(after, 'data'),
    createBeforeDestroy: createBeforeDestroy(neu),
    notes,
    changed: (address) => changes.get(address)?.changed ?? [],
  };
}

/** Resources that are create_before_destroy, set or inherited from a dependent (Terraform propagates it). */
export function createBeforeDestroy(resources: Map<string, TfResource>): Map<string, string> {
  const origin = new Map<string, string>();
  const visit = (address: string, from: string) => {
    if (origin.has(address)) return;
    origin.set(address, from);
    const r = resources.get(address);
    if (r) for (const ref of referencesOf(r)) visit(ref.target, from);
  };
  for (const r of resources.values()) if (lifecycle(r).create_before_destroy === true) visit(r.address, r.address);
  return origin;
}

function applyLifecycle(
  before: Map<string, TfResource>,
  after: Map<string, TfResource>,
  changes: Map<string, Planned>,
) {
  const cbd = createBeforeDestroy(after);
  const cbdInState = createBeforeDestroy(before);
  for (const c of changes.values()) {
    const old = before.get(c.resource);
    const neu = after.get(c.resource);
    if (c.action === 'update' && old && neu) recreatesOnUpdate(c);
    if (c.action === 'replace' && neu) {
      const from = cbd.get(c.resource);
      if (from !== undefined) nameClash(c, old, neu, from);
      else inUse(c, before, changes);
      if (lifecycle(neu).prevent_destroy === true) {
        fail(
          c,
          'tf-prevent-destroy',
          'plan',
          'lifecycle.prevent_destroy is set: Terraform refuses a plan that destroys it',
        );
      }
    }
    if ((c.action === 'replace' || c.action === 'delete') && old) deleteGuard(c, old);
    if (c.action === 'delete' && old) {
      if (lifecycle(old).prevent_destroy === true) {
        c.reason += ' (lifecycle.prevent_destroy does not apply to a resource removed from the configuration)';
        c.rules.push('tf-prevent-destroy');
      }
      deleteKeeps(c, old);
      destroyOrder(c, before, changes, cbdInState.has(c.resource));
    }
  }
}

/**
 * A password replaced only because its keepers changed is a rotation someone asked for, and so is
 * a change that only carries the new value: nothing is lost that was meant to be kept.
 */
function rotations(changes: Map<string, Planned>) {
  const rotated = new Set(
    [...changes.values()]
      .filter((c) => c.type === 'random_password' && c.action === 'replace')
      .filter((c) => c.attributes.every((p) => under(p, 'keepers')))
      .map((c) => c.resource),
  );
  if (rotated.size === 0) return;
  for (const c of changes.values()) {
    const own = rotated.has(c.resource);
    const carries = !own && c.changed.length > 0 && c.changed.every((p) => rotated.has(c.via[p] ?? ''));
    if (!own && !carries) continue;
    if (c.action !== 'replace' && c.action !== 'update') continue;
    c.risk = 'none';
    c.reason = own
      ? `${c.attributes.join(', ')} changed: a new password on purpose (a rotation); every resource that carries it gets the new value in this apply`
      : `${c.changed.join(', ')} only carries the rotated password ${[...new Set(Object.values(c.via))].join(', ')}: ${c.action === 'replace' ? 're-created' : 'updated'} with the new value on purpose`;
    c.rules.push('tf-keepers');
  }
}

/** A deleted data resource whose provider or cloud keeps its backups says so (the risk stays: recent writes go). */
function deleteKeeps(c: Planned, old: TfResource) {
  const keeps = DELETE_KEEPS[c.type];
  if (!keeps || c.action !== 'delete' || c.risk !== 'data-loss') return;
  if (keeps.attribute !== undefined && valueAt(old.config, keeps.attribute) !== true) return;
  c.reason += `; ${keeps.what}`;
  c.rules.push('tf-delete-keeps');
}

/**
 * The order of a delete and the updates of the resources that referred to it: only
 * create_before_destroy in state makes Terraform update them first; without it the apply graph has
 * no edge between them and both run at once. A DNS name clients resolve may then still name the
 * server while it goes (as long as the update takes, plus the record's TTL in clients' caches).
 */
function destroyOrder(c: Planned, before: Map<string, TfResource>, changes: Map<string, Planned>, cbd: boolean) {
  const referrers = [...before.values()].filter(
    (r) =>
      changes.get(r.address)?.action === 'update' &&
      referencesOf(r).some((ref) => ref.target === c.resource && ref.attribute !== undefined),
  );
  if (referrers.length === 0) return;
  const list = referrers.map((r) => r.address).join(', ');
  c.rules.push('tf-destroy-order');
  if (cbd) {
    c.reason += `; Terraform updates ${list} first, then deletes it (create_before_destroy in state)`;
    return;
  }
  c.reason += `; Terraform runs the delete and the update of ${list} at once (no create_before_destroy in state, so no order)`;
  const names = referrers.filter((r) => CLIENT_NAMES.has(r.type));
  if (names.length === 0) return;
  c.reason +=
    ': new connections through those names may reach the server while it goes, until the update lands and cached answers expire';
  c.advice = 'lifecycle.create_before_destroy on it makes Terraform update the records before it deletes it';
}

function recreatesOnUpdate(c: Planned) {
  const fact = UPDATE_RECREATES[c.type];
  const hit = fact ? c.changed.filter((p) => fact.paths.some((f) => under(p, f))) : [];
  if (!fact || hit.length === 0) return;
  Object.assign(c, { action: 'replace', attributes: hit, risk: 'data-loss', reason: `${fact.what} (${fact.source})` });
  c.rules.push('tf-update-recreates');
}

function nameClash(c: Planned, old: TfResource | undefined, neu: TfResource, from: string) {
  const attr = NAME_ATTRIBUTE[c.type] === undefined ? 'name' : NAME_ATTRIBUTE[c.type];
  if (!attr || !old) return;
  const name = neu.config[attr];
  if (typeof name !== 'string' || name.includes('${') || old.config[attr] !== name) return;
  const inherited = from === c.resource ? 'create_before_destroy' : `create_before_destroy (inherited from ${from})`;
  fail(
    c,
    'tf-cbd-name-clash',
    'apply',
    `${inherited} creates the replacement before destroying the old one, and both carry the fixed ${attr} "${name}": the cloud refuses a second resource of that name`,
    `change ${attr} in the same apply (or let it be generated), or replace it in a separate apply without the create_before_destroy dependent`,
  );
}

function inUse(c: Planned, before: Map<string, TfResource>, changes: Map<string, Planned>) {
  const fact = IN_USE[c.type];
  if (!fact) return;
  const users = [...before.values()].filter(
    (u) =>
      referencesOf(u).some((r) => r.target === c.resource && r.attribute !== undefined) &&
      !['replace', 'delete'].includes(changes.get(u.address)?.action ?? ''),
  );
  if (users.length === 0) return;
  fail(
    c,
    'tf-in-use',
    'apply (destroy of the old resource)',
    `Terraform destroys it before creating the new one while ${users.map((u) => u.address).join(', ')} still use it; the cloud refuses (${fact.error}; ${fact.source})`,
    'keep the old resource: create the new one under another name and move the users first, or avoid the change',
  );
}

function deleteGuard(c: Planned, old: TfResource) {
  const guard = DELETE_GUARDS[c.type];
  if (!guard || old.config[guard.attribute] !== true) return;
  fail(
    c,
    'tf-delete-guard',
    'apply (delete)',
    `the provider refuses: "${guard.message}" (${guard.source})`,
    `set ${guard.attribute} = false and apply first, after a backup, if the data may really go`,
  );
}
