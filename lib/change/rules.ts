import type { Cloud } from '../constants';
import { cacheRevisionSuffix } from '../naming';
import type { ResolvedSpec } from '../resolve';
import { azurePostgresSkuCovers } from '../sizes';
import { under, valueAt } from './paths';
import { fail } from './stateful';
import { referencesOf, type TerraformPlan, type TfResource } from './terraform';
import { ONE_SHOT_JOBS } from './terraform-facts';
import type { CfnTemplate, Change } from './types';

/*
 * Every rule the model applies beyond "the schema says it replaces", one table with the source of
 * each. Engine rules (Terraform lifecycle, CloudFormation policies) are implemented in
 * terraform.ts and aws.ts; the cloud rules neither engine knows are implemented below. `level`
 * says what a rule reads: the two outputs (resource) or the two resolved specs (spec; skipped,
 * with a note, when the old side is a synth directory).
 */
export interface Rule {
  readonly clouds: readonly Cloud[];
  readonly level: 'resource' | 'spec';
  readonly what: string;
  readonly source: string;
}

const TF: readonly Cloud[] = ['gcp', 'azure'];

export const RULES: Readonly<Record<string, Rule>> = {
  'tf-force-new': {
    clouds: TF,
    level: 'resource',
    what: 'an argument marked ForceNew (schema or CustomizeDiff) changes: the resource is replaced',
    source: 'provider source, per type (terraform-schema.ts, terraform-facts.ts CUSTOMIZE_DIFF)',
  },
  'tf-unknown-type': {
    clouds: TF,
    level: 'resource',
    what: 'a type without schema facts is assumed replaced on any change',
    source: 'conservative default; the coverage test (test/change/coverage.test.ts) keeps it unused',
  },
  'tf-reference': {
    clouds: TF,
    level: 'resource',
    what: 'an argument referring to a computed attribute of a replaced resource is unknown until apply: updated, or replaced when that argument is ForceNew',
    source: 'developer.hashicorp.com/terraform/language/expressions/references ("known after apply")',
  },
  'tf-prevent-destroy': {
    clouds: TF,
    level: 'resource',
    what: 'lifecycle.prevent_destroy makes a plan that destroys the resource fail; it does not protect a resource removed from the configuration',
    source: 'developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#prevent_destroy',
  },
  'tf-cbd-name-clash': {
    clouds: TF,
    level: 'resource',
    what: 'create_before_destroy (set, or propagated from a dependent) creates the replacement first: a fixed name clashes',
    source:
      'developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#create_before_destroy ("Terraform propagates and applies the create_before_destroy meta-argument behaviour to all resource dependencies")',
  },
  'tf-in-use': {
    clouds: TF,
    level: 'resource',
    what: 'a replaced resource is destroyed first while a resource that is only updated still uses it: the cloud refuses the delete',
    source: 'terraform-facts.ts IN_USE (per type: the cloud error and its documentation)',
  },
  'tf-delete-guard': {
    clouds: TF,
    level: 'resource',
    what: 'the provider refuses to delete while a protection argument is set',
    source: 'terraform-facts.ts DELETE_GUARDS',
  },
  'tf-update-recreates': {
    clouds: TF,
    level: 'resource',
    what: 'the provider update re-creates part of the resource (data lost)',
    source: 'terraform-facts.ts UPDATE_RECREATES',
  },
  'tf-postcondition': {
    clouds: TF,
    level: 'resource',
    what: 'a lifecycle.postcondition that is false with the planned values (deployed values where ignore_changes keeps them; for a data source listing or reading deployed resources, the old output) fails the plan before anything changes',
    source:
      'developer.hashicorp.com/terraform/language/expressions/custom-conditions#preconditions-and-postconditions; lib/change/conditions.ts (the three forms the stacks emit; others are noted, not evaluated)',
  },
  'tf-destroy-order': {
    clouds: TF,
    level: 'resource',
    what: 'a resource removed from the configuration is deleted after the resources that referred to it are updated only when it is create_before_destroy in state; otherwise the delete and the updates run at once (a DNS name may still name it while it goes)',
    source:
      'hashicorp/terraform#29925, #27302 (create_before_destroy orders the updates of dependents before the delete); terraform 1.11 apply graph checked by hand (docs/diff.md); terraform-facts.ts CLIENT_NAMES',
  },
  'tf-delete-keeps': {
    clouds: TF,
    level: 'resource',
    what: 'the provider or cloud keeps the backups of a deleted database for a while: the reason says how to restore (writes after the last backup are still lost)',
    source: 'terraform-facts.ts DELETE_KEEPS',
  },
  'tf-keepers': {
    clouds: TF,
    level: 'resource',
    what: 'a random_password replaced only because its keepers changed is a rotation on purpose (database.appCredentialGeneration), and so is a change that only carries its new value: risk none',
    source:
      'random 3.7.2 internal/provider/resource_password.go (keepers: "Arbitrary map of values that, when changed, will trigger recreation of resource"); docs/gcp.md, docs/azure.md (rotation)',
  },
  'tf-one-shot-job': {
    clouds: TF,
    level: 'resource',
    what: 'a one-shot job (the database roles job) is re-created when its inputs change and runs again; the job is idempotent, so this is harmless, and its boot document strands no running VM',
    source: 'terraform-facts.ts ONE_SHOT_JOBS',
  },
  'cache-revision': {
    clouds: ['aws', 'gcp', 'azure'],
    level: 'resource',
    what: 'a cache change that must re-create the cache fails on the fixed name (CloudFormation replacement, create_before_destroy): raising cache.revision in the same change gives the cache a new name, so the new one is created first (it starts empty: a cold cache)',
    source: 'lib/naming.ts cacheRevisionSuffix; spec cache.revision',
  },
  'aws-custom-name': {
    clouds: ['aws'],
    level: 'resource',
    what: 'a replacement of a resource with a custom physical name fails and the stack rolls back',
    source: 'docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html',
  },
  'aws-retain': {
    clouds: ['aws'],
    level: 'resource',
    what: 'DeletionPolicy Retain: a deleted resource leaves the stack but keeps running',
    source: 'docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html',
  },
  'aws-snapshot': {
    clouds: ['aws'],
    level: 'resource',
    what: 'DeletionPolicy / UpdateReplacePolicy Snapshot: a final snapshot keeps the data of a deleted resource',
    source: 'docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html',
  },
  'aws-deletion-protection': {
    clouds: ['aws'],
    level: 'resource',
    what: 'deletion protection on a deleted or replaced resource: the delete fails',
    source: 'docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DeleteCluster.html#USER_DeletionProtection',
  },
  'aws-asg-refresh': {
    clouds: ['aws'],
    level: 'resource',
    what: 'an Auto Scaling group with an instance refresh / rolling update policy replaces its instances in batches',
    source: 'docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html',
  },
  'aws-rds-class': {
    clouds: ['aws'],
    level: 'resource',
    what: 'DBInstanceClass changes restart the instance',
    source: 'docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Modifying.html#Aurora.Modifying.Settings',
  },
  'aws-aurora-major': {
    clouds: ['aws'],
    level: 'resource',
    what: 'an Aurora major version upgrade needs AllowMajorVersionUpgrade and takes the cluster down while it runs',
    source: 'docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_UpgradeDBInstance.PostgreSQL.MajorVersion.html',
  },
  'aws-custom-resource': {
    clouds: ['aws'],
    level: 'resource',
    what: 'a custom resource is never replaced by CloudFormation: a property change sends its provider an Update request; a new ServiceToken is refused',
    source:
      'docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cfn-customresource.html (ServiceToken: "Updates aren\'t supported"); crpg-ref-requesttypes-update.html',
  },
  'aws-data-api': {
    clouds: ['aws'],
    level: 'resource',
    what: 'the RDS Data API goes on or off with the instance class (T classes lack it): on, the shard gets its app login and the instances move to it; off, the app login goes and the instances read the admin secret again',
    source:
      'docs/aws.md "App login"; docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.html#data-api.regions',
  },
  'aws-elasticache-node-type': {
    clouds: ['aws'],
    level: 'resource',
    what: 'ElastiCache node-type scaling is online, with a brief write pause',
    source: 'docs.aws.amazon.com/AmazonElastiCache/latest/dg/Scaling.RedisReplGrps.ScaleUp.html',
  },
  'gcp-sql-restart': {
    clouds: ['gcp'],
    level: 'resource',
    what: 'Cloud SQL machine type, availability type or edition changes restart the instance',
    source: 'cloud.google.com/sql/docs/postgres/instance-settings#impact',
  },
  'gcp-sql-major': {
    clouds: ['gcp'],
    level: 'resource',
    what: 'a Cloud SQL in-place major version upgrade makes the instance unavailable while it runs',
    source: 'cloud.google.com/sql/docs/postgres/upgrade-major-db-version-inplace',
  },
  'gcp-memorystore-resize': {
    clouds: ['gcp'],
    level: 'resource',
    what: 'Memorystore for Redis resizes online (Standard tier: brief failover; Basic tier: unavailable and flushed)',
    source: 'cloud.google.com/memorystore/docs/redis/scale-instance',
  },
  'gcp-memorystore-tier': {
    clouds: ['gcp'],
    level: 'resource',
    what: 'the Memorystore tier is fixed at creation: BASIC ↔ STANDARD_HA re-creates the instance (empty, new address)',
    source: 'cloud.google.com/memorystore/docs/redis/redis-tiers',
  },
  'gcp-mig-zones': {
    clouds: ['gcp'],
    level: 'resource',
    what: 'a regional MIG keeps the zones it was created with: changing them re-creates the group',
    source: 'cloud.google.com/compute/docs/instance-groups/regional-migs#zones',
  },
  'gcp-mig-rolling': {
    clouds: ['gcp'],
    level: 'resource',
    what: 'a new instance template on a MIG with a proactive update policy replaces its VMs in a rolling update',
    source: 'cloud.google.com/compute/docs/instance-groups/rolling-out-updates-to-managed-instance-groups',
  },
  'tf-boot-reference': {
    clouds: TF,
    level: 'resource',
    what: 'a deleted resource whose address is baked into the boot document of running VMs: they lose it before the rolling update reaches them',
    source:
      'review issue 9 item B12; the MIG / scale-set update returns before every VM is replaced (Terraform does not wait for the rollout)',
  },
  'azure-replica-scale-order': {
    clouds: ['azure'],
    level: 'resource',
    what: 'read replicas must be scaled before their primary, and a primary never larger than its replicas; Terraform updates the primary first',
    source: 'learn.microsoft.com/azure/postgresql/read-replica/concepts-read-replicas#scale',
  },
  'azure-major-with-replicas': {
    clouds: ['azure'],
    level: 'resource',
    what: 'an in-place major version upgrade is refused while the server has read replicas; without replicas it takes the server down while it runs',
    source: 'learn.microsoft.com/azure/postgresql/configure-maintain/concepts-major-version-upgrade#limitations',
  },
  'azure-pg-sku-restart': {
    clouds: ['azure'],
    level: 'resource',
    what: 'a Flexible Server compute change restarts the server (with HA: after a failover to the standby)',
    source: 'learn.microsoft.com/azure/postgresql/flexible-server/concepts-scaling-resources',
  },
  'azure-vmss-rolling': {
    clouds: ['azure'],
    level: 'resource',
    what: 'a scale-set model change with upgrade_mode Rolling re-creates the VMs in batches; Manual leaves them on the old model',
    source: 'learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-upgrade-policy',
  },
  'azure-redis-sku': {
    clouds: ['azure'],
    level: 'resource',
    what: 'azurerm 4.55 replaces Azure Managed Redis on a sku_name change (in-place scaling came later)',
    source: 'hashicorp/terraform-provider-azurerm#31203',
  },
  'cdn-origin-lock': {
    clouds: ['aws', 'azure'],
    level: 'resource',
    what: 'the CDN is created and the origin locked to it in the same deploy: clients still resolve the domain to the load balancer and are refused until DNS moves',
    source: 'review issue 9 item B10; CloudFront / Front Door deployments take minutes and do not move DNS',
  },
  'spec-cdn-lock': {
    clouds: ['aws', 'azure'],
    level: 'spec',
    what: 'cdn.enabled and cdn.lockOrigin turned on together: the lock applies before DNS points at the CDN',
    source: 'DESIGN.md (two-phase CDN: origin open until the user says DNS has moved)',
  },
  'spec-shard-decrease': {
    clouds: ['aws', 'gcp', 'azure'],
    level: 'spec',
    what: 'database.shards goes down: the removed shards and their data are deleted',
    source: 'review issue 9 item B13',
  },
};

/* ---------------- resource-level cloud rules (Terraform clouds) ---------------- */

const touches = (plan: TerraformPlan, c: Change, path: string) => plan.changed(c.resource).some((p) => under(p, path));

function mark(c: Change, rule: string, fields: Partial<Change>) {
  Object.assign(c, fields);
  if (!c.rules.includes(rule)) c.rules.push(rule);
}

function gcpRules(plan: TerraformPlan, c: Change) {
  const neu = plan.after.get(c.resource);
  const old = plan.before.get(c.resource);
  if (c.type === 'google_sql_database_instance' && c.action === 'update') {
    if (touches(plan, c, 'database_version')) {
      mark(c, 'gcp-sql-major', {
        action: 'restart',
        risk: 'downtime',
        reason: 'in-place major version upgrade (pg_upgrade): the instance is unavailable while it runs',
        advice: 'test the upgrade on a clone first; plan a maintenance window',
      });
    } else if (['settings.tier', 'settings.availability_type', 'settings.edition'].some((p) => touches(plan, c, p))) {
      mark(c, 'gcp-sql-restart', {
        action: 'restart',
        risk: 'downtime',
        reason: 'Cloud SQL restarts the instance to apply the new machine type / availability (minutes)',
      });
    }
  }
  if (c.type === 'google_redis_instance' && c.action === 'update' && touches(plan, c, 'memory_size_gb')) {
    const basic = neu?.config.tier === 'BASIC';
    mark(c, 'gcp-memorystore-resize', {
      risk: basic ? 'downtime' : 'none',
      reason: basic
        ? 'Basic tier resize: the instance is unavailable and its data flushed while it scales'
        : 'Standard tier resize in place: data kept, a brief failover at the switch-over',
    });
  }
  if (c.type === 'google_redis_instance' && c.attributes.includes('tier') && old?.config.tier !== neu?.config.tier) {
    const advice = 'expect a cold cache; apps read CACHE_HOST again (it changes)';
    if (c.action === 'fails') mark(c, 'gcp-memorystore-tier', { advice: `${c.advice}; ${advice}` });
    else {
      mark(c, 'gcp-memorystore-tier', {
        reason: `tier ${String(old?.config.tier)} → ${String(neu?.config.tier)} cannot change in place: the cache is re-created empty, with a new address`,
        advice,
      });
    }
  }
  if (c.type === 'google_compute_region_instance_group_manager') migRules(plan, c);
}

function migRules(plan: TerraformPlan, c: Change) {
  if (c.attributes.includes('distribution_policy_zones')) {
    c.rules.push('gcp-mig-zones');
    if (c.action === 'fails')
      c.advice =
        'create a second group in the new zones behind the backend service, move traffic, then remove the old group; or keep the zones';
  }
  if (c.action === 'update' && touches(plan, c, 'version')) {
    mark(c, 'gcp-mig-rolling', {
      action: 'rolling',
      reason: 'new instance template: the group replaces its VMs in a rolling update (update_policy)',
    });
  }
}

function azureRules(plan: TerraformPlan, c: Change) {
  if (c.type === 'azurerm_postgresql_flexible_server' && c.action === 'update') flexibleServer(plan, c);
  if (c.type === 'azurerm_linux_virtual_machine_scale_set' && c.action === 'update') {
    const model = plan.changed(c.resource).filter((p) => !/^(instances|tags)(\.|$)/.test(p));
    if (model.length > 0) {
      const rolling = plan.after.get(c.resource)?.config.upgrade_mode === 'Rolling';
      mark(c, 'azure-vmss-rolling', {
        action: rolling ? 'rolling' : 'update',
        reason: rolling
          ? 'the scale-set model changes: Rolling upgrade mode re-creates the VMs in batches'
          : 'the scale-set model changes; running VMs keep the old model until upgraded',
        advice: rolling ? '' : 'upgrade the instances (az vmss update-instances) to apply it',
      });
    }
  }
  if (c.type === 'azurerm_managed_redis' && c.action === 'replace' && c.attributes.includes('sku_name')) {
    mark(c, 'azure-redis-sku', {
      advice: 'scale with `az redisenterprise update --sku` and refresh the state instead, or plan a cold cache',
    });
  }
}

/** Is `a` bigger than `b` in tier or in vCores (either is more compute than the replica has)? */
const exceeds = (a: unknown, b: unknown) => !azurePostgresSkuCovers(b, a);

function replicasOf(plan: TerraformPlan, primary: string): TfResource[] {
  return [...plan.after.values()].filter(
    (r) =>
      r.type === primary.split('.')[0] &&
      referencesOf(r).some((ref) => ref.target === primary && ref.path === 'source_server_id'),
  );
}

function flexibleServer(plan: TerraformPlan, c: Change) {
  const replicas = replicasOf(plan, c.resource);
  if (touches(plan, c, 'version')) {
    if (replicas.length > 0) {
      fail(
        c,
        'azure-major-with-replicas',
        'apply',
        'Azure refuses an in-place major version upgrade while the server has read replicas',
        'remove the replicas (readReplicas: 0), upgrade, then add them again',
      );
      return;
    }
    mark(c, 'azure-major-with-replicas', {
      action: 'restart',
      risk: 'downtime',
      reason: 'in-place major version upgrade: the server is unavailable while it runs',
    });
    return;
  }
  if (!touches(plan, c, 'sku_name')) return;
  const next = plan.after.get(c.resource)?.config.sku_name;
  const smaller = replicas.filter((r) =>
    exceeds(next, plan.before.get(r.address)?.config.sku_name ?? r.config.sku_name),
  );
  if (smaller.length > 0) {
    fail(
      c,
      'azure-replica-scale-order',
      'apply (primary update)',
      `Terraform scales the primary first (its replicas depend on it), but Azure requires ${smaller.map((r) => r.address).join(', ')} to be scaled first and never smaller than the primary`,
      'scale the replicas first (database.replicaSize), apply, then scale the primary in a second apply',
    );
    return;
  }
  mark(c, 'azure-pg-sku-restart', {
    action: 'restart',
    risk: 'downtime',
    reason: 'the server restarts on the new compute size (with HA: fails over to the standby first)',
  });
}

/** Is this resource a one-shot job (terraform-facts.ts ONE_SHOT_JOBS)? */
const isJob = (r: TfResource | undefined) => (r ? ONE_SHOT_JOBS[r.type]?.is(r.config) === true : false);

/** A re-created one-shot job runs again: harmless, say so. */
function oneShotJobs(plan: TerraformPlan, changes: Change[]) {
  for (const c of changes) {
    const r = plan.after.get(c.resource);
    if (c.action !== 'replace' || !isJob(r)) continue;
    mark(c, 'tf-one-shot-job', {
      reason: `${ONE_SHOT_JOBS[c.type]?.what}: re-created because ${c.attributes.join(', ')} changed, it runs again (idempotent)`,
    });
  }
}

/** Deletes whose address old VMs still carry in their boot document. */
function bootReferences(plan: TerraformPlan, changes: Change[]) {
  const boot = /^(metadata\.startup-script|metadata_startup_script|custom_data|user_data)$/;
  for (const c of changes) {
    if (c.action !== 'delete') continue;
    const users = [...plan.before.values()].filter(
      (r) => !isJob(r) && referencesOf(r).some((ref) => ref.target === c.resource && boot.test(ref.path)),
    );
    if (users.length === 0) continue;
    mark(c, 'tf-boot-reference', {
      risk: c.risk === 'data-loss' ? c.risk : 'downtime',
      reason: `${c.reason}; its address is baked into the boot document of ${users.map((u) => u.address).join(', ')}: running VMs lose it before the rolling update replaces them`,
      advice: 'give apps a stable name per role (DNS) instead of addresses in the boot document',
    });
  }
}

/* ---------------- CDN lock (outputs) ---------------- */

const CDN_TYPES: Partial<Record<Cloud, string>> = {
  aws: 'AWS::CloudFront::Distribution',
  azure: 'azurerm_cdn_frontdoor_profile',
};

/** Does this change restrict the origin to the CDN (AWS listener 403 default, Azure Front Door-only rule)? */
function locksOrigin(cloud: Cloud, c: Change, before: unknown, after: unknown): boolean {
  const text = (v: unknown) => JSON.stringify(v ?? null);
  if (cloud === 'aws' && c.type === 'AWS::ElasticLoadBalancingV2::Listener') {
    const actions = (v: unknown) => text(valueAt(v, 'Properties.DefaultActions'));
    return actions(after).includes('fixed-response') && !actions(before).includes('fixed-response');
  }
  if (cloud === 'azure' && c.type === 'azurerm_network_security_rule') {
    return text(after).includes('AzureFrontDoor.Backend') && !text(before).includes('AzureFrontDoor.Backend');
  }
  if (cloud === 'azure' && c.type === 'azurerm_web_application_firewall_policy') {
    return text(after).includes('X-Azure-FDID') && !text(before).includes('X-Azure-FDID');
  }
  return false;
}

const LOCK_ADVICE =
  'deploy the CDN with cdn.lockOrigin: false, move DNS to the CDN, then set cdn.lockOrigin: true in a second deploy';

export interface RuleContext {
  readonly cloud: Cloud;
  readonly changes: Change[];
  /** The resource config of an address / logical id, before and after. */
  readonly before: (resource: string) => unknown;
  readonly after: (resource: string) => unknown;
  readonly oldSpec?: ResolvedSpec;
  readonly newSpec?: ResolvedSpec;
}

function cdnLock(ctx: RuleContext) {
  const cdn = CDN_TYPES[ctx.cloud];
  if (!cdn || !ctx.changes.some((c) => c.type === cdn && c.action === 'create')) return;
  for (const c of ctx.changes) {
    if (c.action !== 'update' && c.action !== 'create') continue;
    if (!locksOrigin(ctx.cloud, c, ctx.before(c.resource), ctx.after(c.resource))) continue;
    mark(c, 'cdn-origin-lock', {
      risk: 'downtime',
      reason:
        'the origin only answers the new CDN from this deploy on, while clients still resolve the domain to the load balancer: they are refused until DNS moves',
      advice: LOCK_ADVICE,
    });
  }
}

/** Rules that read the two resolved specs. */
function specRules(ctx: RuleContext) {
  const { oldSpec: o, newSpec: n } = ctx;
  if (!o || !n) return;
  const cdn = CDN_TYPES[ctx.cloud];
  if (
    cdn &&
    !o.cdn.enabled &&
    n.cdn.enabled &&
    n.cdn.lockOrigin &&
    !ctx.changes.some((c) => c.rules.includes('cdn-origin-lock'))
  ) {
    const target = ctx.changes.find((c) => c.type === cdn && c.action === 'create');
    if (target) {
      mark(target, 'spec-cdn-lock', {
        risk: 'downtime',
        reason: 'cdn.enabled and cdn.lockOrigin in one deploy: the origin is locked to the CDN before DNS points at it',
        advice: LOCK_ADVICE,
      });
    }
  }
  if (n.database.shards.length < o.database.shards.length) {
    for (const c of ctx.changes) {
      if (c.action !== 'delete' && c.action !== 'fails') continue;
      if (!/DBCluster|sql_database_instance|postgresql_flexible_server$/.test(c.type)) continue;
      const advice = `database.shards ${o.database.shards.length} → ${n.database.shards.length} removes shards: move their keys to the remaining shards and take a backup first`;
      mark(c, 'spec-shard-decrease', { advice: c.advice ? `${c.advice}; ${advice}` : advice });
    }
  }
}

/* ---------------- cache revision (every cloud) ---------------- */

/** Where each cache type carries its cloud-unique name. */
const CACHE_NAME: Readonly<Record<string, string>> = {
  'AWS::ElastiCache::ReplicationGroup': 'Properties.ReplicationGroupId',
  google_redis_instance: 'name',
  google_redis_cluster: 'name',
  azurerm_managed_redis: 'name',
};

/** The revision a cache name carries (lib/naming.ts cacheRevisionSuffix: none at 0, `-r<n>` after). */
const revisionOf = (name: unknown) => Number(/-r(\d+)$/.exec(String(name ?? ''))?.[1] ?? 0);

/**
 * A re-creation that fails on the fixed name gets the advice to raise cache.revision; one that
 * raises it says the new cache comes first and starts empty.
 */
function cacheRevision(ctx: RuleContext, plan?: TerraformPlan) {
  for (const c of ctx.changes) {
    const path = CACHE_NAME[c.type];
    if (!path) continue;
    const [oldName, newName] = [valueAt(ctx.before(c.resource), path), valueAt(ctx.after(c.resource), path)];
    const from = ctx.oldSpec?.cache.revision ?? revisionOf(oldName);
    const to = ctx.newSpec?.cache.revision ?? revisionOf(newName);
    const clash = c.rules.includes('aws-custom-name') || c.rules.includes('tf-cbd-name-clash');
    if (c.action === 'fails' && clash && oldName === newName) {
      mark(c, 'cache-revision', {
        advice: `set cache.revision: ${to + 1} in the same change: the cache name gets the suffix ${cacheRevisionSuffix(to + 1)}, so the new cache is created before the old one is deleted (it starts empty: a cold cache; apps follow CACHE_HOST to it)`,
      });
    } else if (c.action === 'replace' && oldName !== newName && to > from) {
      const first = ctx.cloud === 'aws' || plan?.createBeforeDestroy.has(c.resource) === true;
      mark(c, 'cache-revision', {
        risk: 'data-loss',
        reason: `${c.reason}; cache.revision ${from} → ${to} names it ${String(newName)}: ${first ? 'the new cache is created before the old one is deleted' : 'the old cache is deleted, then the new one created'}, and it starts empty (a cold cache; apps follow CACHE_HOST to it)`,
      });
    }
  }
}

/** Applies the cloud rules (resource-level on the plan, then spec-level) to one cloud's changes. */
export function applyCloudRules(ctx: RuleContext, plan?: TerraformPlan) {
  if (plan) {
    for (const c of ctx.changes) {
      if (ctx.cloud === 'gcp') gcpRules(plan, c);
      if (ctx.cloud === 'azure') azureRules(plan, c);
    }
    oneShotJobs(plan, ctx.changes);
    bootReferences(plan, ctx.changes);
  }
  cdnLock(ctx);
  cacheRevision(ctx, plan);
  specRules(ctx);
}

/** The template resource of a logical id (for RuleContext on AWS). */
export const cfnResource = (t: CfnTemplate | undefined) => (id: string) => t?.Resources[id];
