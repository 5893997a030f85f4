import { distance } from 'fastest-levenshtein';
import type { core } from 'zod';
import { CLOUD_LABEL, CLOUDS, type Cloud, ENVIRONMENTS, type Environment } from './constants';
import { CLOUD_LIMITS, PROD_MIN_BACKUP_RETENTION_DAYS, type Range } from './limits';
import { nameProblems } from './naming';
import { cidrSizeProblem, isValidCidr } from './network-plan';
import { PRESETS, type Preset } from './presets';
import { registryOf } from './registry';
import { AWS_RESOURCE_LIMIT, awsResourceEstimate } from './resource-count';
import { parseCron } from './schedules';
import { type ParsedSpec, specSchema } from './spec';
import { AWS_ZONE_LETTERS, tableZones } from './zones';

/** One thing wrong with a spec: where, what was given, what is allowed. */
export interface Problem {
  /** Field path, e.g. `compute.scaling.schedules[0].cron` (empty for the whole spec). */
  readonly path: string;
  /** What is wrong, including what is allowed. */
  readonly message: string;
  /** The value given, when there is one to show. */
  readonly given?: unknown;
}

/**
 * The result of validation. `warnings` are not errors: the spec deploys, but something in it
 * deserves a look (a cloud quota it approaches, an origin left open on purpose).
 */
export type ValidationResult =
  | { readonly ok: true; readonly spec: ParsedSpec; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly problems: readonly Problem[]; readonly warnings: readonly Problem[] };

/** A key as shown in a path: odd characters escaped and long keys cut, so lines stay readable. */
function showKey(key: string): string {
  const plain = /^[\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return plain.length > 40 ? `${plain.slice(0, 37)}...` : plain;
}

/** Renders a path array as `a.b[0].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    const shown = showKey(String(key));
    return acc === '' ? shown : `${acc}.${shown}`;
  }, '');
}

/** Short, safe rendering of a given value for messages (never huge, never multi-line). */
export function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** One line per problem, as the CLI prints them. */
export function formatProblem(p: Problem): string {
  const where = p.path === '' ? '(spec)' : p.path;
  const given = 'given' in p && p.given !== undefined ? ` (given ${show(p.given)})` : '';
  return `${where}: ${p.message}${given}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

/* ------------------------------------------------------------------------------------------
 * Schema problems: zod issues turned into field / given / allowed, unknown keys with a
 * "did you mean" suggestion taken from the schema's own field names.
 * ---------------------------------------------------------------------------------------- */

type AnySchema = core.$ZodType;

/** Unwraps optional / default / nullable wrappers down to the schema that has a shape. */
function unwrap(schema: AnySchema | undefined): AnySchema | undefined {
  let s = schema;
  for (let i = 0; s && i < 10; i++) {
    const def = s._zod.def as { type: string; innerType?: AnySchema };
    if (
      (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'pipe') &&
      def.innerType
    ) {
      s = def.innerType;
    } else break;
  }
  return s;
}

interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  options?: AnySchema[];
}

const defOf = (s: AnySchema | undefined): Def | undefined => s?._zod.def as Def | undefined;

/** For a size-like union (enum | object), the object branch's shape. */
function unionShape(def: Def): Record<string, AnySchema> | undefined {
  const branch = def.options?.map((o) => unwrap(o)).find((o) => defOf(o)?.type === 'object');
  return defOf(branch)?.shape;
}

/** The field names the schema allows at `path`, for "did you mean". */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let s: AnySchema | undefined = specSchema;
  for (const key of path) {
    const def = defOf(unwrap(s));
    if (def?.type === 'object') s = def.shape?.[String(key)];
    else if (def?.type === 'array') s = def.element;
    else if (def?.type === 'union') s = unionShape(def)?.[String(key)];
    else return [];
  }
  const def = defOf(unwrap(s));
  if (def?.type === 'object') return Object.keys(def.shape ?? {});
  if (def?.type === 'union') return Object.keys(unionShape(def) ?? {});
  return [];
}

/** A close field name, when one is close enough to be a likely typo. */
export function suggest(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const lower = key.toLowerCase();
  const caseMatch = known.find((k) => k.toLowerCase() === lower);
  if (caseMatch) return caseMatch;
  // Fewest edits wins; on a tie, the longer shared prefix ("azr" -> "azure", not "aws").
  const prefix = (k: string) => [...k].findIndex((ch, i) => ch !== key[i]);
  const shared = (k: string) => (prefix(k) === -1 ? k.length : prefix(k));
  const best = [...known].sort((a, b) => distance(key, a) - distance(key, b) || shared(b) - shared(a))[0] as string;
  return distance(key, best) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    if (!Object.hasOwn(v, key as string)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describeIssue(issue: core.$ZodIssue, input: unknown): Problem[] {
  const path = formatPath(issue.path);
  const given = valueAt(input, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const hint = suggest(key, knownKeysAt(issue.path));
        const allowed = knownKeysAt(issue.path);
        return {
          path: formatPath([...issue.path, key]),
          message: hint
            ? `unknown field; did you mean "${hint}"?`
            : `unknown field; allowed here: ${allowed.join(', ') || 'no fields'}`,
        };
      });
    case 'invalid_type':
      if (given === undefined) return [{ path, message: `is required (${issue.expected})` }];
      return [
        {
          path,
          message: `must be ${issue.expected === 'object' ? 'a mapping' : `a ${issue.expected}`}, not ${typeName(given)}`,
          given,
        },
      ];
    case 'invalid_value':
      return [{ path, message: `must be one of: ${issue.values.map((v) => String(v)).join(' | ')}`, given }];
    case 'too_small':
    case 'too_big': {
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const what = issue.origin === 'string' ? 'characters' : issue.origin === 'array' ? 'items' : '';
      const cmp = issue.code === 'too_small' ? 'at least' : 'at most';
      return [{ path, message: `must be ${cmp} ${bound}${what ? ` ${what}` : ''}`, given }];
    }
    case 'invalid_format':
      return [{ path, message: `must be ${issue.message}`, given }];
    case 'invalid_union': {
      // Report the branch that matches the shape of what was given (e.g. the object form).
      const branch = issue.errors.find(
        (errs) => errs.length > 0 && errs.every((e) => e.path.length > 0 || e.code === 'unrecognized_keys'),
      );
      if (branch && typeof given === 'object' && given !== null) {
        return branch.flatMap((e) =>
          describeIssue({ ...e, path: [...issue.path, ...e.path] } as core.$ZodIssue, input),
        );
      }
      return [
        {
          path,
          message:
            'must be one of: small | medium | large | xlarge, or a mapping { aws, gcp, azure } of instance types',
          given,
        },
      ];
    }
    case 'not_multiple_of':
      return [{ path, message: `must be a multiple of ${String(issue.divisor)}`, given }];
    case 'invalid_key': {
      const key = issue.path[issue.path.length - 1];
      return issue.issues.map((e) => ({
        path,
        message: `field name ${e.code === 'custom' ? e.message : `must be ${e.message}`}`,
        given: key,
      }));
    }
    case 'invalid_element':
      return [{ path, message: issue.message, given }];
    default: {
      // Custom refinements carry their own message ("must not repeat a cloud"); integers too.
      const message = issue.message.startsWith('Invalid input') ? 'is not valid' : issue.message;
      return [{ path, message: /^(must|is|a |an )/.test(message) ? message : `must be ${message}`, given }];
    }
  }
}

/* ------------------------------------------------------------------------------------------
 * Cross-field and per-cloud rules. They run even when other fields are wrong (every problem
 * at once), reading only values that passed their own schema check; missing values take the
 * environment preset, as resolve() would.
 * ---------------------------------------------------------------------------------------- */

class View {
  constructor(
    private readonly input: unknown,
    private readonly badPaths: readonly string[],
  ) {}

  private bad(path: string): boolean {
    return this.badPaths.some(
      (b) =>
        b === path ||
        path.startsWith(`${b}.`) ||
        path.startsWith(`${b}[`) ||
        b.startsWith(`${path}.`) ||
        b.startsWith(`${path}[`),
    );
  }

  /** The value at a dotted path if present, of the wanted type and free of schema problems. */
  get<T>(path: string, guard: (v: unknown) => v is T): T | undefined {
    if (this.bad(path)) return undefined;
    const v = valueAt(this.input, path.split('.'));
    return guard(v) ? v : undefined;
  }

  /** Whether the field at `path` is itself fine (present or not). */
  isClean(path: string): boolean {
    return !this.bad(path);
  }
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isString = (v: unknown): v is string => typeof v === 'string';
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function rangeProblem(path: string, value: number, range: Range, cloud: Cloud, what: string): Problem | undefined {
  if (value >= range.min && value <= range.max) return undefined;
  return {
    path,
    message: `${CLOUD_LABEL[cloud]} (${range.product}) allows ${range.min}-${range.max} ${what}`,
    given: value,
  };
}

function crossFieldProblems(input: unknown, badPaths: readonly string[]): Problem[] {
  const v = new View(input, badPaths);
  const problems: Problem[] = [];
  const environment = v.get('environment', (x): x is Environment => ENVIRONMENTS.includes(x as Environment));
  const preset: Preset | undefined = environment ? PRESETS[environment] : undefined;
  const clouds: Cloud[] = v.get('clouds', isArray)?.filter((c): c is Cloud => CLOUDS.includes(c as Cloud)) ?? [
    ...CLOUDS,
  ];
  const num = (path: string, fallback?: number) => v.get(path, isNumber) ?? fallback;
  const bool = (path: string, fallback?: boolean) => v.get(path, isBoolean) ?? fallback;

  // Names derived for every selected cloud must fit that cloud's rules.
  const name = v.get('name', isString);
  if (name !== undefined && environment !== undefined) {
    // One line per cloud (its first broken name) keeps the list readable.
    const perCloud = new Map<Cloud, string>();
    for (const p of nameProblems(name, environment, clouds))
      if (!perCloud.has(p.cloud)) perCloud.set(p.cloud, p.message);
    for (const message of perCloud.values()) problems.push({ path: 'name', message, given: name });
  }

  // Network large enough for the subnet plan.
  const cidr = v.get('network.cidr', isString);
  if (cidr !== undefined && isValidCidr(cidr)) {
    const sizeProblem = cidrSizeProblem(cidr);
    if (sizeProblem) problems.push({ path: 'network.cidr', message: `must be ${sizeProblem}`, given: cidr });
  }

  // Instance bounds.
  const min = num('compute.minInstances', preset?.minInstances);
  const max = num('compute.maxInstances', preset?.maxInstances);
  if (min !== undefined && max !== undefined && min > max) {
    problems.push({
      path: 'compute.minInstances',
      message: `must not exceed compute.maxInstances (${max})`,
      given: min,
    });
  }
  for (const cloud of clouds) {
    const limit = CLOUD_LIMITS[cloud].groupInstances;
    if (max !== undefined && v.get('compute.maxInstances', isNumber) !== undefined) {
      const p = rangeProblem('compute.maxInstances', max, limit, cloud, 'instances per group');
      if (p) problems.push(p);
    }
  }

  // Explicit per-cloud instance types must cover every selected cloud.
  const size = v.get('compute.size', isRecord);
  if (size) {
    for (const cloud of clouds) {
      if (size[cloud] === undefined) {
        problems.push({
          path: `compute.size.${cloud}`,
          message: `is required when compute.size lists types per cloud and ${CLOUD_LABEL[cloud]} is in clouds`,
        });
      }
    }
  }

  // Schedules: supported cron form, bounds ordered and inside every cloud's group limit.
  const schedules = v.get('compute.scaling.schedules', isArray) ?? [];
  for (const cloud of clouds) {
    const p = rangeProblem(
      'compute.scaling.schedules',
      schedules.length,
      CLOUD_LIMITS[cloud].schedules,
      cloud,
      'schedules per group',
    );
    if (p) problems.push({ ...p, given: `${schedules.length} schedules` });
  }
  const seen = new Set<string>();
  schedules.forEach((raw, i) => {
    const at = `compute.scaling.schedules[${i}]`;
    if (!isRecord(raw) || !v.isClean(at)) return;
    const cron = raw.cron;
    if (isString(cron)) {
      const parsed = parseCron(cron);
      if (typeof parsed === 'string') problems.push({ path: `${at}.cron`, message: `must be ${parsed}`, given: cron });
    }
    if (isString(raw.name)) {
      if (seen.has(raw.name))
        problems.push({ path: `${at}.name`, message: 'must be unique among schedules', given: raw.name });
      seen.add(raw.name);
    }
    if (isNumber(raw.minInstances) && isNumber(raw.maxInstances)) {
      if (raw.minInstances > raw.maxInstances) {
        problems.push({
          path: `${at}.minInstances`,
          message: `must not exceed the schedule's maxInstances (${raw.maxInstances})`,
          given: raw.minInstances,
        });
      }
      for (const cloud of clouds) {
        const p = rangeProblem(
          `${at}.maxInstances`,
          raw.maxInstances,
          CLOUD_LIMITS[cloud].groupInstances,
          cloud,
          'instances per group',
        );
        if (p) problems.push(p);
      }
    }
  });

  // Database replicas and backups inside every selected cloud's documented range.
  const readReplicas = num('database.readReplicas', preset?.readReplicas);
  const backupDays = num('database.backupRetentionDays', preset?.backupRetentionDays);
  for (const cloud of clouds) {
    const limits = CLOUD_LIMITS[cloud];
    if (readReplicas !== undefined) {
      const p = rangeProblem(
        'database.readReplicas',
        readReplicas,
        limits.databaseReadReplicas,
        cloud,
        'read replicas per primary',
      );
      if (p) problems.push(p);
    }
    if (backupDays !== undefined) {
      const p = rangeProblem(
        'database.backupRetentionDays',
        backupDays,
        limits.backupRetentionDays,
        cloud,
        'days of backup retention',
      );
      if (p) problems.push(p);
    }
  }

  // Cache shards / replicas per cloud; HA needs a replica.
  const cacheShards = num('cache.shards', preset?.cacheShards);
  const replicas = num('cache.replicasPerShard', preset?.cacheReplicasPerShard);
  for (const cloud of clouds) {
    const limits = CLOUD_LIMITS[cloud];
    if (cacheShards !== undefined && cacheShards > 1 && limits.cacheShards) {
      const p = rangeProblem('cache.shards', cacheShards, limits.cacheShards, cloud, 'shards');
      if (p) problems.push(p);
    }
    const replicaRange =
      cacheShards !== undefined && cacheShards > 1 ? limits.cacheClusterReplicasPerShard : limits.cacheReplicasPerShard;
    if (replicas !== undefined && replicaRange) {
      const p = rangeProblem('cache.replicasPerShard', replicas, replicaRange, cloud, 'replicas per shard');
      if (p) problems.push(p);
    }
  }
  const cacheHa = bool('cache.highAvailability', preset?.cacheHighAvailability);
  if (cacheHa === true && replicas !== undefined && replicas < 1) {
    problems.push({
      path: 'cache.replicasPerShard',
      message: `must be at least 1 when cache.highAvailability is on${v.get('cache.highAvailability', isBoolean) === undefined ? ` (the ${environment} default)` : ''}; set cache.highAvailability: false to run without failover`,
      given: replicas,
    });
  }

  // Prod safety floors, waivable only explicitly.
  if (environment === 'prod' && bool('database.allowUnsafeProd', false) !== true) {
    if (bool('database.deletionProtection', preset?.deletionProtection) === false) {
      problems.push({
        path: 'database.deletionProtection',
        message: 'must be true in prod (set database.allowUnsafeProd: true to waive)',
        given: false,
      });
    }
    if (backupDays !== undefined && backupDays < PROD_MIN_BACKUP_RETENTION_DAYS) {
      problems.push({
        path: 'database.backupRetentionDays',
        message: `must be at least ${PROD_MIN_BACKUP_RETENTION_DAYS} in prod (set database.allowUnsafeProd: true to waive)`,
        given: backupDays,
      });
    }
  }

  // HTTPS on Azure needs the user's certificate: Application Gateway has no managed certificates.
  const https = v.get('loadBalancer.https', isRecord);
  if (https && clouds.includes('azure') && v.isClean('loadBalancer.https.certificate')) {
    const cert = isRecord(https.certificate) ? https.certificate.azure : undefined;
    if (cert === undefined) {
      problems.push({
        path: 'loadBalancer.https.certificate.azure',
        message:
          'is required for HTTPS on Azure (a Key Vault secret id; Application Gateway has no managed certificates)',
      });
    }
  }

  // CloudFront takes viewer certificates only from ACM in us-east-1: outside that region the
  // stack cannot create one, so a CDN with HTTPS needs the user's us-east-1 certificate.
  const awsRegion = v.get('regions.aws', isString) ?? 'us-east-1';
  const cdnOn = bool('cdn.enabled', preset?.cdnEnabled);
  if (
    https &&
    cdnOn === true &&
    clouds.includes('aws') &&
    awsRegion !== 'us-east-1' &&
    v.isClean('loadBalancer.https.certificate')
  ) {
    const cert = isRecord(https.certificate) ? https.certificate.aws : undefined;
    if (typeof cert !== 'string' || !cert.includes(':acm:us-east-1:')) {
      problems.push({
        path: 'loadBalancer.https.certificate.aws',
        message: `must be an ACM certificate ARN in us-east-1 when the CDN serves HTTPS and the AWS region is ${awsRegion} (CloudFront only uses us-east-1 certificates)`,
        ...(cert === undefined ? {} : { given: cert }),
      });
    }
  }

  const context: RuleContext = { v, environment, preset, clouds, num, bool };
  problems.push(
    ...prodFloorProblems(context),
    ...azureDeployProblems(context),
    ...zoneProblems(context),
    ...capacityProblems(context),
  );
  return problems;
}

/** What the rule functions below read: the checked view of the input and its preset. */
interface RuleContext {
  readonly v: View;
  readonly environment: Environment | undefined;
  readonly preset: Preset | undefined;
  readonly clouds: readonly Cloud[];
  readonly num: (path: string, fallback?: number) => number | undefined;
  readonly bool: (path: string, fallback?: boolean) => boolean | undefined;
}

/** Prod refuses plain HTTP and local Terraform state, each waivable in its own section. */
function prodFloorProblems({ v, environment, clouds, bool }: RuleContext): Problem[] {
  if (environment !== 'prod') return [];
  const problems: Problem[] = [];
  if (!v.get('loadBalancer.https', isRecord) && v.isClean('loadBalancer.https')) {
    if (bool('loadBalancer.allowUnsafeProd', false) !== true) {
      problems.push({
        path: 'loadBalancer.https',
        message:
          'is required in prod: without it every cloud serves plain HTTP on port 80 to the internet; give the domain (and certificate.azure on Azure), or set loadBalancer.allowUnsafeProd: true to waive',
      });
    }
  }
  if (bool('terraform.allowUnsafeProd', false) !== true && v.isClean('terraform.state')) {
    const backends: Array<[Cloud, string]> = [
      ['gcp', 'a GCS bucket (terraform.state.gcp.bucket)'],
      ['azure', 'a storage account container (terraform.state.azure)'],
    ];
    for (const [cloud, what] of backends) {
      if (clouds.includes(cloud) && !v.get(`terraform.state.${cloud}`, isRecord)) {
        problems.push({
          path: `terraform.state.${cloud}`,
          message: `is required in prod: Terraform state holds every generated password of the ${CLOUD_LABEL[cloud]} stack, and without a remote backend it is a local file next to the synth output; give ${what}, or set terraform.allowUnsafeProd: true to waive`,
        });
      }
    }
  }
  return problems;
}

/**
 * Azure inputs without which the first deploy fails at apply: the private Key Vault must admit
 * the Terraform runner, the gateway must be granted its certificate, and Front Door must reach
 * an origin name the certificate covers.
 */
function azureDeployProblems({ v, clouds, preset, bool }: RuleContext): Problem[] {
  if (!clouds.includes('azure')) return [];
  const problems: Problem[] = [];
  const cidrs = v.get('terraform.runnerCidrs', isArray);
  if ((cidrs === undefined || cidrs.length === 0) && v.isClean('terraform.runnerCidrs')) {
    if (bool('terraform.privateRunner', false) !== true) {
      problems.push({
        path: 'terraform.runnerCidrs',
        message:
          'is required for Azure: Terraform writes the generated secrets into the private Key Vault during the first apply, so the vault must admit the machine that runs Terraform; give its public CIDRs (or set BLUEPRINT_AZURE_KEYVAULT_ALLOWED_IPS), or set terraform.privateRunner: true when Terraform reaches the vault privately (docs/azure.md)',
      });
    }
  }
  const https = v.get('loadBalancer.https', isRecord);
  if (!https) return problems;
  const cert = isRecord(https.certificate) ? https.certificate : {};
  if (cert.azure !== undefined && cert.azureKeyVaultId === undefined && v.isClean('loadBalancer.https.certificate')) {
    problems.push({
      path: 'loadBalancer.https.certificate.azureKeyVaultId',
      message:
        "is required for HTTPS on Azure: the gateway's identity must be granted read on the certificate's secret before the HTTPS listener can come up; give the resource id of the vault holding certificate.azure (or set BLUEPRINT_AZURE_CERT_VAULT_ID)",
    });
  }
  if (bool('cdn.enabled', preset?.cdnEnabled) === true && v.isClean('cdn.originDomain')) {
    const origin = v.get('cdn.originDomain', isString);
    if (origin === undefined) {
      problems.push({
        path: 'cdn.originDomain',
        message:
          "is required on Azure when the CDN serves HTTPS: Front Door checks the gateway's certificate against the origin's host name, so it must be a name the certificate covers (e.g. origin.api.example.com) with a CNAME to the gateway",
      });
    } else if (origin === https.domain) {
      problems.push({
        path: 'cdn.originDomain',
        message:
          'must differ from loadBalancer.https.domain: the domain points at the CDN, so Front Door would send requests to itself',
        given: origin,
      });
    }
  }
  return problems;
}

/** Zone names: as many as network.zones, in the region; AWS regions whose letters differ per account need them. */
function zoneProblems({ v, preset, clouds, num }: RuleContext): Problem[] {
  const problems: Problem[] = [];
  const zones = num('network.zones', preset?.zones);
  if (zones === undefined) return problems;
  const regions: Record<'aws' | 'gcp', string | undefined> = {
    aws: v.get('regions.aws', isString) ?? 'us-east-1',
    gcp: v.get('regions.gcp', isString) ?? 'us-central1',
  };
  for (const cloud of ['aws', 'gcp'] as const) {
    const names = v.get(`network.zoneNames.${cloud}`, isArray)?.filter(isString);
    const region = regions[cloud];
    if (!names || region === undefined) continue;
    const at = `network.zoneNames.${cloud}`;
    if (names.length !== zones) {
      problems.push({ path: at, message: `must list exactly ${zones} zones (network.zones)`, given: names });
    }
    const foreign = names.filter((z) => (cloud === 'aws' ? z.slice(0, -1) : z.slice(0, -2)) !== region);
    if (foreign.length > 0) {
      problems.push({ path: at, message: `must be zones of ${CLOUD_LABEL[cloud]} region ${region}`, given: foreign });
    }
    if (new Set(names).size !== names.length)
      problems.push({ path: at, message: 'must not repeat a zone', given: names });
  }
  const awsRegion = regions.aws as string;
  const awsNamed = v.get('network.zoneNames.aws', isArray) !== undefined || !v.isClean('network.zoneNames.aws');
  const account = v.get('accounts.aws', isString) !== undefined || !v.isClean('accounts.aws');
  if (clouds.includes('aws') && !awsNamed && !account && v.isClean('regions.aws') && !tableZones(awsRegion, zones)) {
    const letters = AWS_ZONE_LETTERS[awsRegion];
    const why = letters
      ? `every account there has only ${letters.map((l) => `${awsRegion}${l}`).join(', ')} in common`
      : 'its zone letters are not known to be the same for every account';
    problems.push({
      path: 'network.zoneNames.aws',
      message: `is required for ${zones} zones in AWS region ${awsRegion}: ${why}; list this account's zones (aws ec2 describe-availability-zones --region ${awsRegion} --query 'AvailabilityZones[].ZoneName'), or set accounts.aws to look them up at synth`,
    });
  }
  return problems;
}

/**
 * Limits a spec can reach that would only fail at deploy: CloudFormation's resources per stack,
 * and Azure replicas that must be at least as large as their primary.
 */
function capacityProblems({ v, environment, preset, clouds, num, bool }: RuleContext): Problem[] {
  const problems: Problem[] = [];
  const readReplicas = num('database.readReplicas', preset?.readReplicas) ?? 0;
  if (clouds.includes('aws')) {
    const estimate = awsResourceEstimate({
      isProd: environment === 'prod',
      zones: num('network.zones', preset?.zones) ?? 3,
      databaseShards: num('database.shards', preset?.databaseShards) ?? 1,
      readReplicas,
      highAvailability: bool('database.highAvailability', preset?.highAvailability) ?? false,
      connectionPooling: bool('database.connectionPooling', preset?.connectionPooling) ?? false,
      cacheShards: num('cache.shards', preset?.cacheShards) ?? 1,
      schedules: v.get('compute.scaling.schedules', isArray)?.length ?? 0,
      cdn: bool('cdn.enabled', preset?.cdnEnabled) ?? false,
    });
    if (estimate.total > AWS_RESOURCE_LIMIT) {
      problems.push({
        path: estimate.largest.field,
        message: `gives an AWS stack of about ${estimate.total} CloudFormation resources; a stack holds at most ${AWS_RESOURCE_LIMIT} (${estimate.largest.field} accounts for ${estimate.largest.resources}): lower ${estimate.fields.join(', ')}`,
        given: v.get(estimate.largest.field, isNumber),
      });
    }
  }
  const size = v.get('database.size', isString) ?? preset?.databaseSize;
  const replicaSize = v.get('database.replicaSize', isString);
  if (clouds.includes('azure') && readReplicas > 0 && replicaSize !== undefined && size !== undefined) {
    const order = ['small', 'medium', 'large', 'xlarge'];
    if (order.indexOf(replicaSize) < order.indexOf(size)) {
      problems.push({
        path: 'database.replicaSize',
        message: `must be at least database.size (${size}) on Azure: a Flexible Server read replica may not be smaller than its primary`,
        given: replicaSize,
      });
    }
  }
  return problems;
}

/** Things worth a look that do not stop a deploy. */
function warningsOf(input: unknown, badPaths: readonly string[]): Problem[] {
  const v = new View(input, badPaths);
  const environment = v.get('environment', (x): x is Environment => ENVIRONMENTS.includes(x as Environment));
  const preset = environment ? PRESETS[environment] : undefined;
  const clouds: Cloud[] = v.get('clouds', isArray)?.filter((c): c is Cloud => CLOUDS.includes(c as Cloud)) ?? [
    ...CLOUDS,
  ];
  const warnings: Problem[] = [];
  const cdnOn = v.get('cdn.enabled', isBoolean) ?? preset?.cdnEnabled;
  const locked = v.get('cdn.lockOrigin', isBoolean) ?? false;
  if (cdnOn === true && !locked && environment === 'prod') {
    warnings.push({
      path: 'cdn.lockOrigin',
      message:
        'is off: the load balancer also answers requests that bypass the CDN (and its caching); set it to true once DNS points at the CDN',
    });
  }
  if (cdnOn !== true && locked) {
    warnings.push({ path: 'cdn.lockOrigin', message: 'has no effect while cdn.enabled is false' });
  }
  const shards = v.get('database.shards', isNumber) ?? preset?.databaseShards ?? 1;
  const pooling = v.get('database.connectionPooling', isBoolean) ?? preset?.connectionPooling ?? false;
  if (clouds.includes('aws') && pooling && shards >= RDS_PROXY_WARN_AT) {
    warnings.push({
      path: 'database.shards',
      message: `gives ${shards} RDS Proxies (one per shard); an AWS account has ${RDS_PROXY_QUOTA} by default (Service Quotas: "Proxies"), shared with other stacks`,
      given: shards,
    });
  }
  const image = v.get('compute.app.image', isString);
  if (image !== undefined && registryOf(image).kind === 'acr') {
    warnings.push({
      path: 'compute.app.image',
      message:
        'is an Azure Container Registry image: no cloud logs in to ACR at boot yet (ECR and Artifact Registry are logged in to), so the VMs pull it anonymously; the registry must allow anonymous pull (az acr update --anonymous-pull-enabled), or use a public, ECR or Artifact Registry image (docs/azure.md, Limits)',
      given: image,
    });
  }
  return warnings;
}

/** RDS Proxies per account and region (the default quota). */
const RDS_PROXY_QUOTA = 20;
/** A spec that takes a quarter of the account's proxies is worth a look: other stacks share the quota. */
const RDS_PROXY_WARN_AT = RDS_PROXY_QUOTA / 4;

/** Reports the value as a JSON-like object graph; guards against what YAML/JSON can't produce. */
function isPlainData(input: unknown): boolean {
  return input === null || ['string', 'number', 'boolean', 'object'].includes(typeof input);
}

/**
 * Validates a spec (already parsed from YAML / JSON) and reports every problem at once.
 * Never throws for any input.
 */
export function validate(input: unknown): ValidationResult {
  try {
    if (!isRecord(input)) {
      return {
        ok: false,
        problems: [
          { path: '', message: `must be a mapping of fields, not ${isPlainData(input) ? typeName(input) : 'that'}` },
        ],
        warnings: [],
      };
    }
    if ('extends' in input) {
      return {
        ok: false,
        problems: [
          {
            path: 'extends',
            message:
              'is followed when a spec is read from a file (loadSpec, the blueprint commands); give validate() the merged spec',
            given: input.extends,
          },
        ],
        warnings: [],
      };
    }
    const parsed = specSchema.safeParse(input);
    const schemaProblems = parsed.success ? [] : parsed.error.issues.flatMap((issue) => describeIssue(issue, input));
    // An unknown key taints only itself, not its siblings: its parent's other fields still count.
    const badPaths = parsed.success
      ? []
      : parsed.error.issues.flatMap((i) =>
          i.code === 'unrecognized_keys' ? i.keys.map((k) => formatPath([...i.path, k])) : [formatPath(i.path)],
        );
    const problems = [...schemaProblems, ...crossFieldProblems(input, badPaths)];
    const unique = problems.filter(
      (p, i) => problems.findIndex((q) => q.path === p.path && q.message === p.message) === i,
    );
    const warnings = warningsOf(input, badPaths);
    if (unique.length > 0 || !parsed.success) return { ok: false, problems: unique, warnings };
    return { ok: true, spec: parsed.data, warnings };
  } catch (error) {
    // Validation must never surface a stack trace; an internal error is still reported cleanly.
    return {
      ok: false,
      problems: [
        { path: '', message: `could not be validated: ${error instanceof Error ? error.message : String(error)}` },
      ],
      warnings: [],
    };
  }
}

/** Throws a readable error listing every problem; for TypeScript users building specs in code. */
export function assertValid(input: unknown): ParsedSpec {
  const result = validate(input);
  if (result.ok) return result.spec;
  throw new SpecError(result.problems);
}

/** An invalid spec, with every problem. */
export class SpecError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(`invalid spec:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.name = 'SpecError';
  }
}
