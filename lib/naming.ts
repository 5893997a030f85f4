import { createHash } from 'node:crypto';
import { CLOUD_LABEL, type Cloud, type Environment } from './constants';

/*
 * Every cloud resource name derives from `name` + `environment` here, once. Names of shard 0
 * and of the first instance of anything carry no index, so a spec that grows keeps the names
 * (and therefore the identity) of what already exists.
 */

/** Short environment codes keep derived names inside the tightest limits. */
export const ENV_SHORT: Record<Environment, string> = { dev: 'dev', staging: 'stg', prod: 'prd' };

/** A naming rule of one cloud resource kind. */
export interface NameRule {
  readonly cloud: Cloud;
  /** Human name of the resource kind, used in messages. */
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** Allowed characters and shape. */
  readonly pattern: RegExp;
  /** What the pattern means, for messages. */
  readonly allowed: string;
  /** Builds the name from the base (`<name>-<env>`), the spec name, and a unique suffix. */
  readonly build: (n: NameParts, index?: string) => string;
  /** Worst-case index used when checking lengths (e.g. the last shard's last replica). */
  readonly worstIndex?: string;
}

/** Inputs every name is built from. */
export interface NameParts {
  /** `<name>-<env short>`, e.g. shop-api-prd. */
  readonly base: string;
  /** The spec's `name`. */
  readonly name: string;
  /** Environment short code. */
  readonly env: string;
  /** 6 hex characters, stable per name + environment, for globally unique names. */
  readonly unique: string;
}

const GCP_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const GCP_ALLOWED = 'lowercase letters, digits and "-", starting with a letter';
const AZ_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/;
const AZ_ALLOWED = 'letters, digits and "-", starting and ending alphanumeric';
const suffixed = (s: string) => (n: NameParts, i?: string) => `${n.base}-${s}${i ?? ''}`;
const prefixed = (p: string) => (n: NameParts, i?: string) => `${p}-${n.base}${i ?? ''}`;
/** Truncates and trims a trailing "-" so a cut name stays valid. */
const cut = (s: string, len: number) => s.slice(0, len).replace(/-+$/, '');

/** The name kinds this product creates, with each cloud's documented limits. */
export const NAME_RULES = {
  // AWS: most names are left to CloudFormation; these are the ones that show in consoles/bills.
  awsLoadBalancer: {
    cloud: 'aws',
    label: 'load balancer name',
    min: 1,
    max: 32,
    pattern: /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/,
    allowed: 'letters, digits and "-"',
    build: suffixed('alb'),
  },
  awsCache: {
    cloud: 'aws',
    label: 'ElastiCache replication group id',
    min: 1,
    max: 40,
    pattern: /^[a-z]([a-z0-9-]*[a-z0-9])?$/,
    allowed: 'lowercase letters, digits and "-"',
    build: suffixed('redis'),
    worstIndex: '-r99',
  },
  awsDatabase: {
    cloud: 'aws',
    label: 'Aurora cluster identifier',
    min: 1,
    max: 63,
    pattern: /^[a-z]([a-z0-9-]*[a-z0-9])?$/,
    allowed: 'lowercase letters, digits and "-"',
    build: (n, i) => `${n.base}-db${i ?? ''}`,
    worstIndex: '-s15',
  },
  awsDatabaseProxy: {
    cloud: 'aws',
    label: 'RDS Proxy name',
    min: 1,
    max: 63,
    pattern: /^[a-z](?!.*--)([a-z0-9-]*[a-z0-9])?$/,
    allowed: 'lowercase letters, digits and "-" (no "--"), starting with a letter',
    // "-az2": the proxy spans its VPC's first two zones (constructs/aws/database.ts PROXY_ZONES).
    // Its subnets are replace-only, so the name must change whenever the placement does: stacks
    // of earlier versions had `<base>-proxy` across every zone, and the new name lets
    // CloudFormation create the two-zone proxy before it deletes that one.
    build: (n, i) => `${n.base}-proxy-az2${i ?? ''}`,
    worstIndex: '-s15',
  },
  awsWebAcl: {
    cloud: 'aws',
    label: 'WAF web ACL name',
    min: 1,
    max: 128,
    pattern: /^[A-Za-z0-9_-]+$/,
    allowed: 'letters, digits, "_" and "-"',
    build: suffixed('waf'),
  },
  awsDashboard: {
    cloud: 'aws',
    label: 'CloudWatch dashboard name',
    min: 1,
    max: 255,
    pattern: /^[A-Za-z0-9_-]+$/,
    allowed: 'letters, digits, "_" and "-"',
    build: (n) => n.base,
  },
  // GCP: compute resource names are RFC 1035 labels, 63 characters.
  gcpResource: {
    cloud: 'gcp',
    label: 'resource name',
    min: 1,
    max: 63,
    pattern: GCP_NAME,
    allowed: GCP_ALLOWED,
    build: (n, i) => `${n.base}${i ?? ''}`,
    worstIndex: '-https-redirect',
  },
  gcpServiceAccount: {
    cloud: 'gcp',
    label: 'service account id',
    min: 6,
    max: 30,
    pattern: GCP_NAME,
    allowed: GCP_ALLOWED,
    build: suffixed('app'),
  },
  gcpInstanceTemplatePrefix: {
    cloud: 'gcp',
    label: 'instance template name_prefix',
    min: 1,
    max: 37,
    pattern: /^[a-z][-a-z0-9]*$/,
    allowed: GCP_ALLOWED,
    build: (n, i) => `${n.base}${i ?? ''}-`,
    worstIndex: '-spot',
  },
  gcpRedis: {
    cloud: 'gcp',
    label: 'Memorystore instance id',
    min: 1,
    max: 40,
    pattern: GCP_NAME,
    allowed: GCP_ALLOWED,
    build: suffixed('redis'),
    worstIndex: '-r99',
  },
  gcpSql: {
    cloud: 'gcp',
    label: 'Cloud SQL instance name',
    min: 1,
    max: 84,
    pattern: GCP_NAME,
    allowed: GCP_ALLOWED,
    build: (n, i) => `${n.base}-pg${i ?? ''}`,
    worstIndex: '-s15-r14',
  },
  gcpSecret: {
    cloud: 'gcp',
    label: 'Secret Manager secret id',
    min: 1,
    max: 255,
    pattern: /^[A-Za-z0-9_-]+$/,
    allowed: 'letters, digits, "_" and "-"',
    build: (n, i) => `${n.base}${i ?? ''}`,
    worstIndex: '-database-s15',
  },
  // Azure: several names are global DNS labels, hence the unique suffix.
  azureResource: {
    cloud: 'azure',
    label: 'resource name',
    min: 1,
    max: 64,
    pattern: AZ_NAME,
    allowed: AZ_ALLOWED,
    build: (n, i) => `${n.base}${i ?? ''}`,
    worstIndex: '-vmss-spot',
  },
  azureKeyVault: {
    cloud: 'azure',
    label: 'Key Vault name',
    min: 3,
    max: 24,
    pattern: /^[a-z]([a-z0-9-]*[a-z0-9])?$/,
    allowed: 'lowercase letters, digits and "-", globally unique',
    build: (n) => `kv-${cut(n.base, 14)}-${n.unique}`,
  },
  azurePostgres: {
    cloud: 'azure',
    label: 'PostgreSQL server name',
    min: 3,
    max: 63,
    pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
    allowed: 'lowercase letters, digits and "-", globally unique',
    build: (n, i) => `pg-${n.base}-${n.unique}${i ?? ''}`,
    worstIndex: '-s15-r14',
  },
  azureRedis: {
    cloud: 'azure',
    label: 'Managed Redis name',
    min: 1,
    max: 60,
    pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
    allowed: 'lowercase letters, digits and "-", globally unique',
    build: (n, i) => `redis-${n.base}-${n.unique}${i ?? ''}`,
    worstIndex: '-r99',
  },
  azureFrontDoorEndpoint: {
    cloud: 'azure',
    label: 'Front Door endpoint name',
    min: 1,
    max: 46,
    pattern: AZ_NAME,
    allowed: `${AZ_ALLOWED}, globally unique`,
    build: (n) => `fd-${n.base}-${n.unique}`,
  },
  azureResourceGroup: {
    cloud: 'azure',
    label: 'resource group name',
    min: 1,
    max: 90,
    pattern: /^[-\w.()]*[-\w()]$/,
    allowed: 'letters, digits, "_", "-", ".", "(" and ")"',
    build: prefixed('rg'),
  },
  azureActionGroupShort: {
    cloud: 'azure',
    label: 'action group short name',
    min: 1,
    max: 12,
    pattern: /^[A-Za-z0-9-]+$/,
    allowed: 'letters, digits and "-"',
    build: (n) => cut(n.name, 12),
  },
  azureDnsLabel: {
    cloud: 'azure',
    label: 'public IP DNS label',
    min: 3,
    max: 63,
    // Regional DNS label (<label>.<region>.cloudapp.azure.com), hence the unique suffix.
    pattern: /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/,
    allowed: 'lowercase letters, digits and "-", starting with a letter, unique in the region',
    build: (n) => `${n.base}-${n.unique}`,
  },
  azureSecret: {
    cloud: 'azure',
    label: 'Key Vault secret name',
    min: 1,
    max: 127,
    pattern: /^[0-9A-Za-z-]+$/,
    allowed: 'letters, digits and "-"',
    build: (n, i) => `${n.base}${i ?? ''}`,
    worstIndex: '-database-s15',
  },
  azureAlert: {
    cloud: 'azure',
    label: 'metric alert name',
    min: 1,
    max: 260,
    pattern: AZ_NAME,
    allowed: AZ_ALLOWED,
    build: (n, i) => `${n.base}${i ?? ''}`,
    worstIndex: '-db-replica-lag-s15-r14',
  },
  azurePostgresDnsZone: {
    cloud: 'azure',
    label: 'PostgreSQL private DNS zone',
    min: 1,
    max: 253,
    // Flexible Server requires the zone to end in .postgres.database.azure.com.
    pattern: /^[a-z0-9-]+\.private\.postgres\.database\.azure\.com$/,
    allowed: 'a DNS name ending in .private.postgres.database.azure.com',
    build: (n) => `${n.base}.private.postgres.database.azure.com`,
  },
} satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

/** The parts every name is built from. */
export function nameParts(name: string, environment: Environment): NameParts {
  const unique = createHash('sha256').update(`${name}/${environment}`).digest('hex').slice(0, 6);
  return { base: `${name}-${ENV_SHORT[environment]}`, name, env: ENV_SHORT[environment], unique };
}

/** One problem with a derived name. */
export interface NameProblem {
  readonly cloud: Cloud;
  readonly kind: NameKind;
  readonly derived: string;
  readonly message: string;
}

/** Checks a derived name against its rule; undefined when it fits. */
function check(kind: NameKind, derived: string): NameProblem | undefined {
  const rule: NameRule = NAME_RULES[kind];
  const where = `${CLOUD_LABEL[rule.cloud]} ${rule.label}`;
  if (derived.length > rule.max || derived.length < rule.min) {
    return {
      cloud: rule.cloud,
      kind,
      derived,
      message: `gives the ${where} "${derived}" (${derived.length} characters); ${CLOUD_LABEL[rule.cloud]} allows ${rule.min}-${rule.max}`,
    };
  }
  if (!rule.pattern.test(derived)) {
    return {
      cloud: rule.cloud,
      kind,
      derived,
      message: `gives the ${where} "${derived}"; ${CLOUD_LABEL[rule.cloud]} allows ${rule.allowed}`,
    };
  }
  return undefined;
}

/** Every derived name (at its worst-case index) that breaks its cloud's rules. */
export function nameProblems(name: string, environment: Environment, clouds: readonly Cloud[]): NameProblem[] {
  const parts = nameParts(name, environment);
  return (Object.keys(NAME_RULES) as NameKind[])
    .filter((kind) => clouds.includes(NAME_RULES[kind].cloud))
    .map((kind) => {
      const rule: NameRule = NAME_RULES[kind];
      return check(kind, rule.build(parts, rule.worstIndex));
    })
    .filter((p): p is NameProblem => p !== undefined);
}

/** Index suffix for shard `s` (none for shard 0, so the unsharded name is kept). */
export function shardSuffix(shard: number): string {
  return shard === 0 ? '' : `-s${shard}`;
}

/**
 * Name suffix of the cache at a revision (spec `cache.revision`): none at 0, so every existing
 * cache keeps its name; `-r<n>` after, so a change that must re-create the cache gets a new name
 * and the new cache is created before the old one goes (a fixed name makes that change fail).
 */
export function cacheRevisionSuffix(revision: number): string {
  return revision > 0 ? `-r${revision}` : '';
}

/** Index suffix for read replica `r` (1-based) of a shard. */
export function replicaSuffix(shard: number, replica: number): string {
  return `${shardSuffix(shard)}-r${replica}`;
}

/**
 * Names for one spec. `of(kind, index)` builds and checks; a name that breaks its rule here
 * is a bug (validation rejects such specs first), so it throws.
 */
export class Names {
  readonly parts: NameParts;

  constructor(name: string, environment: Environment) {
    this.parts = nameParts(name, environment);
  }

  /** `<name>-<env>`, the prefix of most names. */
  get base(): string {
    return this.parts.base;
  }

  of(kind: NameKind, index?: string): string {
    const rule: NameRule = NAME_RULES[kind];
    const derived = rule.build(this.parts, index);
    const problem = check(kind, derived);
    if (problem) throw new Error(`name ${problem.message}`);
    return derived;
  }
}

/** Stack names (CLI contract): `<name>-<environment>` on AWS, with `-gcp` / `-azure` in Terraform. */
export function stackName(name: string, environment: Environment, cloud: Cloud): string {
  const base = `${name}-${environment}`;
  return cloud === 'aws' ? base : `${base}-${cloud}`;
}
