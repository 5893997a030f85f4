import * as path from 'node:path';
import {
  App,
  CfnOutput,
  type CfnResource,
  type cloud_assembly_schema as cxschema,
  Stack,
  type StackProps,
  Tags,
} from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, type IConstruct } from 'constructs';
import { AwsCache, type AwsCacheProps } from '../constructs/aws/cache';
import { AwsCdn, type AwsCdnProps } from '../constructs/aws/cdn';
import { AwsComputeGroup, type AwsComputeGroupProps } from '../constructs/aws/compute-group';
import { AwsDatabase, type AwsDatabaseProps, databaseId, PROXY_ZONES } from '../constructs/aws/database';
import { AwsLoadBalancer, type AwsLoadBalancerProps } from '../constructs/aws/load-balancer';
import { AwsMonitoring, type AwsMonitoringProps } from '../constructs/aws/monitoring';
import { AwsNetwork, type AwsNetworkProps, type AwsSubnetSelections } from '../constructs/aws/network';
import { AwsSecrets, type AwsSecretsProps } from '../constructs/aws/secrets';
import { type CompanyRules, companyTagProblems, withCompanyRules } from '../lib/company-rules';
import { OUTPUT_NAMES, type OutputName } from '../lib/constants';
import { environmentContract } from '../lib/contract';
import { stackName } from '../lib/naming';
import type { ResolvedSpec } from '../lib/resolve';
import { type BlueprintBaseProps, resolveSpecInput, type SpecInput, SpecInputError } from '../lib/spec-input';
import { AZ_LOOKUP_PROVIDER, assertZonesCached, awsAppContext, zonesNotCached } from './aws-context';

// Exported here since the first release; they live in the engine-free ./aws-context.
export { AwsSynthInputError, awsAppContext, CDK_CONTEXT_FILE } from './aws-context';

/**
 * CloudFormation output logical ids cannot contain "_", so each contract name maps to its
 * PascalCase form (DATABASE_WRITER_HOST -> DatabaseWriterHost); the description carries the
 * contract name. Tools read outputs through this table.
 */
export const AWS_OUTPUT_IDS: Readonly<Record<OutputName, string>> = Object.fromEntries(
  OUTPUT_NAMES.map((name) => [
    name,
    name
      .toLowerCase()
      .split('_')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(''),
  ]),
) as Record<OutputName, string>;

/** Per-construct overrides of the whole stack; each is the construct's own overrides prop. */
export interface AwsBlueprintOverrides {
  readonly secrets?: AwsSecretsProps['overrides'];
  readonly network?: AwsNetworkProps['overrides'];
  readonly loadBalancer?: AwsLoadBalancerProps['overrides'];
  readonly computeGroup?: AwsComputeGroupProps['overrides'];
  readonly cache?: AwsCacheProps['overrides'];
  /** Applied to every database shard. */
  readonly database?: AwsDatabaseProps['overrides'];
  readonly cdn?: AwsCdnProps['overrides'];
  readonly monitoring?: AwsMonitoringProps['overrides'];
}

/** Props of {@link AwsBlueprint}. */
export interface AwsBlueprintProps extends BlueprintBaseProps {
  /** Bring your own VPC (see AwsNetworkProps.vpc). @default - a new VPC from the spec */
  readonly vpc?: ec2.IVpc;
  /** Which subnets of a brought VPC each tier uses. @default - see AwsSubnetSelections */
  readonly subnets?: AwsSubnetSelections;
  /**
   * Bring your own data key (see AwsSecretsProps.key): it must let CloudWatch Logs, CloudWatch
   * alarms and EventBridge use it. @default - a new customer managed key with yearly rotation
   */
  readonly key?: kms.IKey;
  /** Bring your own alarm topic (see AwsMonitoringProps.topic). @default - a new encrypted topic mailing alerts.email */
  readonly alarmTopic?: sns.ITopic;
  /** Certificate of the load balancer's HTTPS listener. @default - the spec's certificate.aws in the region, else a new DNS-validated one */
  readonly certificate?: acm.ICertificate;
  /** Viewer certificate of the CDN (us-east-1). @default - see AwsCdnProps.certificate */
  readonly cdnCertificate?: acm.ICertificate;
  /** Per-resource overrides. @default - none */
  readonly overrides?: AwsBlueprintOverrides;
}

/** What the AWS blueprint builds: every construct it composes, the contract and the URL. */
export interface AwsBlueprintParts {
  readonly spec: ResolvedSpec;
  readonly secrets: AwsSecrets;
  readonly network: AwsNetwork;
  readonly cache: AwsCache;
  /** One per shard; [0] is the unsharded database. */
  readonly databases: AwsDatabase[];
  readonly loadBalancer: AwsLoadBalancer;
  readonly cdn?: AwsCdn;
  readonly computeGroup: AwsComputeGroup;
  readonly monitoring: AwsMonitoring;
  /** The environment contract, as given to the instances and the outputs. */
  readonly contract: ReturnType<typeof environmentContract>;
  /** The public entry: the CDN when on, else the load balancer. */
  readonly url: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Builds the whole backend into `scope` (a construct of the user's, or the stack itself).
 * AwsBlueprintStack builds straight into the stack rather than into a child with id `Default`:
 * CDK leaves `Default` out of logical ids but not out of construct paths, and aws-cdk-lib writes
 * paths into the template (Name tags of the VPC's resources and launch templates, the
 * description of the hosted rotation's security group, which CloudFormation can only change by
 * replacing the group), so the stack's template stays exactly what it was.
 */
function composeAwsBlueprint(scope: Construct, props: AwsBlueprintProps): AwsBlueprintParts {
  const parts = {} as Mutable<AwsBlueprintParts>;
  const spec = withCompanyRules(resolveSpecInput(props.spec), props.companyRules);
  const o = props.overrides ?? {};
  parts.spec = spec;

  parts.secrets = new AwsSecrets(scope, 'Secrets', {
    spec,
    overrides: o.secrets,
    ...(props.key ? { key: props.key } : {}),
  });
  const key = parts.secrets.key;
  parts.network = new AwsNetwork(scope, 'Network', {
    spec,
    key,
    overrides: o.network,
    ...(props.vpc ? { vpc: props.vpc } : {}),
    ...(props.subnets ? { subnets: props.subnets } : {}),
  });
  const { vpc, appSubnets, dataSubnets, publicSubnets } = parts.network;

  parts.cache = new AwsCache(scope, 'Cache', { spec, vpc, subnets: dataSubnets, key, overrides: o.cache });
  parts.databases = spec.database.shards.map(
    (shard) =>
      new AwsDatabase(scope, databaseId(shard), {
        spec,
        shard,
        vpc,
        subnets: dataSubnets,
        proxySubnets: { ...dataSubnets, availabilityZones: vpc.availabilityZones.slice(0, PROXY_ZONES) },
        rotationSubnets: appSubnets,
        key,
        overrides: o.database,
      }),
  );

  parts.loadBalancer = new AwsLoadBalancer(scope, 'LoadBalancer', {
    spec,
    vpc,
    subnets: publicSubnets,
    key,
    ...(props.certificate ? { certificate: props.certificate } : {}),
    overrides: o.loadBalancer,
  });
  if (spec.cdn.enabled) {
    parts.cdn = new AwsCdn(scope, 'Cdn', {
      spec,
      loadBalancer: parts.loadBalancer.loadBalancer,
      ...(parts.loadBalancer.originSecret ? { originSecret: parts.loadBalancer.originSecret } : {}),
      ...(parts.loadBalancer.certificate ? { loadBalancerCertificate: parts.loadBalancer.certificate } : {}),
      ...(props.cdnCertificate ? { certificate: props.cdnCertificate } : {}),
      overrides: o.cdn,
    });
  }

  parts.contract = environmentContract({
    shards: parts.databases.map((db) => db.endpoints),
    cacheHost: parts.cache.host,
    cachePort: parts.cache.port,
    cacheSecret: parts.cache.authToken.secretArn,
  });
  parts.computeGroup = new AwsComputeGroup(scope, 'ComputeGroup', {
    spec,
    vpc,
    subnets: appSubnets,
    targetGroup: parts.loadBalancer.targetGroup,
    loadBalancer: parts.loadBalancer.loadBalancer,
    environment: parts.contract,
    // The app's logins and the cache token only: the admin secrets stay with operators.
    readableSecrets: [...parts.databases.map((db) => db.appSecret), parts.cache.authToken],
    overrides: o.computeGroup,
  });
  // New instances start once every shard's app login works.
  const groupResource = parts.computeGroup.group.node.defaultChild as CfnResource;
  for (const db of parts.databases) groupResource.node.addDependency(db.appCredentials.ready);
  parts.cache.allowFrom(parts.computeGroup.group);
  for (const db of parts.databases) db.allowFrom(parts.computeGroup.group);

  parts.monitoring = new AwsMonitoring(scope, 'Monitoring', {
    spec,
    loadBalancer: parts.loadBalancer.loadBalancer,
    targetGroup: parts.loadBalancer.targetGroup,
    group: parts.computeGroup.group,
    databases: parts.databases,
    cache: parts.cache,
    key,
    ...(props.alarmTopic ? { topic: props.alarmTopic } : {}),
    overrides: o.monitoring,
  });

  parts.url = parts.cdn ? parts.cdn.url : parts.loadBalancer.url;
  const values: Record<OutputName, string> = { ...parts.contract, LOAD_BALANCER_URL: parts.url };
  for (const name of OUTPUT_NAMES) {
    new CfnOutput(scope, AWS_OUTPUT_IDS[name], { value: values[name], description: name });
  }

  applyCompanyRules(scope, { tags: spec.tags });
  return parts;
}

/**
 * The whole backend on AWS as a construct for a stack of yours: key, network (or yours), cache,
 * database shards, load balancer (+ WAF), optional CDN, the app's Auto Scaling group, monitoring,
 * and the outputs of the environment contract (CfnOutputs in your stack). Construct ids inside
 * are part of every stateful resource's logical id: they never change (test/stacks pins them).
 */
/** Fields are filled from composeAwsBlueprint's result (definite assignment: `!`). */
export class AwsBlueprint extends Construct implements AwsBlueprintParts {
  public readonly spec!: ResolvedSpec;
  public readonly secrets!: AwsSecrets;
  public readonly network!: AwsNetwork;
  public readonly cache!: AwsCache;
  /** One per shard; [0] is the unsharded database. */
  public readonly databases!: AwsDatabase[];
  public readonly loadBalancer!: AwsLoadBalancer;
  public readonly cdn?: AwsCdn;
  public readonly computeGroup!: AwsComputeGroup;
  public readonly monitoring!: AwsMonitoring;
  /** The environment contract, as given to the instances and the outputs. */
  public readonly contract!: ReturnType<typeof environmentContract>;
  /** The public entry: the CDN when on, else the load balancer. */
  public readonly url!: string;

  constructor(scope: Construct, id: string, props: AwsBlueprintProps) {
    super(scope, id);
    Object.assign(this, composeAwsBlueprint(this, props));
  }
}

/**
 * Company-wide tags on every taggable resource under `scope` (CDK's Tags, an Aspect: resources
 * added later are covered too), the user's own included. Name prefixes apply to the names the
 * blueprint derives (AwsBlueprintProps.companyRules).
 */
export function applyCompanyRules(scope: IConstruct, rules: CompanyRules): void {
  const problems = companyTagProblems(rules.tags);
  if (problems.length > 0) throw new SpecInputError('companyRules', problems);
  for (const [k, v] of Object.entries(rules.tags ?? {})) Tags.of(scope).add(k, v);
}

/** Props of {@link AwsBlueprintStack}: the blueprint's and the stack's. */
export interface AwsBlueprintStackProps extends StackProps, Omit<AwsBlueprintProps, 'spec'> {
  /** The spec: what `loadSpec(file)` returns, the resolved spec, or the spec written in TypeScript. */
  readonly spec: SpecInput;
}

/**
 * The whole backend on AWS as its own stack: the AwsBlueprint's composition built straight into
 * the stack (see composeAwsBlueprint for why not into a child), so logical ids, paths and the
 * template are those of the stack before the blueprint became a construct.
 */
export class AwsBlueprintStack extends Stack implements AwsBlueprintParts {
  public readonly spec!: ResolvedSpec;
  public readonly secrets!: AwsSecrets;
  public readonly network!: AwsNetwork;
  public readonly cache!: AwsCache;
  /** One per shard; [0] is the unsharded database. */
  public readonly databases!: AwsDatabase[];
  public readonly loadBalancer!: AwsLoadBalancer;
  public readonly cdn?: AwsCdn;
  public readonly computeGroup!: AwsComputeGroup;
  public readonly monitoring!: AwsMonitoring;
  /** The environment contract, as given to the instances and the outputs. */
  public readonly contract!: ReturnType<typeof environmentContract>;
  /** The public entry: the CDN when on, else the load balancer. */
  public readonly url!: string;

  constructor(scope: Construct, id: string, props: AwsBlueprintStackProps) {
    const spec = resolveSpecInput(props.spec);
    super(scope, id, {
      description: `Scaling blueprint ${spec.name} (${spec.environment}): network, load balancer, app group, cache, database`,
      ...props,
    });
    Object.assign(this, composeAwsBlueprint(this, { ...props, spec }));
  }

  /** Records each context lookup the app's context could not answer, so a synth can refuse it before it runs. */
  public override reportMissingContextKey(report: cxschema.MissingContext): void {
    missingLookups.set(this, [...(missingLookups.get(this) ?? []), { provider: report.provider }]);
    super.reportMissingContextKey(report);
  }
}

/** The unanswered lookups per stack (a map, not a field: Stack's constructor may report one first). */
const missingLookups = new WeakMap<Stack, Array<{ provider: string }>>();

/**
 * Refuses a template built on CDK's placeholder zones: the spec asks for the account's zones
 * (accounts.aws set, no network.zoneNames.aws) and no cached lookup answered.
 */
export function assertZonesResolved(stack: AwsBlueprintStack, missing: readonly { provider: string }[]): void {
  const source = stack.network.zones?.source;
  if (source?.kind !== 'lookup' || !missing.some((m) => m.provider === AZ_LOOKUP_PROVIDER)) return;
  throw zonesNotCached(stack.spec);
}

/** Stack props for a spec: its name and the spec's account/region. */
export function awsStackEnv(spec: ResolvedSpec): { stackName: string; env: { account?: string; region: string } } {
  return {
    stackName: stackName(spec.name, spec.environment, 'aws'),
    env: { ...(spec.accounts.aws ? { account: spec.accounts.aws } : {}), region: spec.regions.aws },
  };
}

/** Options of {@link synthAws}. */
export interface SynthAwsOptions {
  /**
   * Set V8's process-wide `--liftoff-only` flag first (useBaselineWasmCompiler): faster, leaner
   * gated synths, but every WebAssembly module the process compiles later stays unoptimized.
   * Turn it off when calling synthAws inside a long-lived process that runs other wasm.
   * @default true - synthAws is the CLI's one-shot synth path
   */
  readonly baselineWasmCompiler?: boolean;
  /**
   * Set V8's process-wide `--no-concurrent-marking` flag first (useSerialGcMarking): the gated
   * synth takes ~30% less time on two cores. Turn it off inside a long-lived process.
   * @default true - synthAws is the CLI's one-shot synth path
   */
  readonly serialGcMarking?: boolean;
  /**
   * Run the policy gates (built-in validation, cdk-nag, Control Tower guard rules) and refuse
   * unacknowledged findings. Without them the template is the same, written in a fraction of the time.
   * @default true
   */
  readonly checks?: boolean;
}

/**
 * Synthesizes the AWS stack of `spec` into `outdir` (a CDK cloud assembly: manifest.json and
 * <stack>.template.json) with the policy gates on (unless `checks` is false); throws listing
 * every unacknowledged finding.
 */
export function synthAws(
  spec: ResolvedSpec,
  outdir: string,
  options: SynthAwsOptions = {},
): { stackName: string; templateFile: string } {
  const checks = options.checks ?? true;
  const context = awsAppContext();
  assertZonesCached(spec, context);
  // The gates are modules of their own: an ungated synth never loads cdk-nag or the validators.
  const policy = checks ? (require('./aws-policy') as typeof import('./aws-policy')) : undefined;
  if (policy && (options.baselineWasmCompiler ?? true)) policy.useBaselineWasmCompiler();
  if (policy && (options.serialGcMarking ?? true)) policy.useSerialGcMarking();
  // The built-in validation is one of the gates: registered by addAwsPolicyGates, or off.
  const app = new App({ outdir, context, builtinCloudFormationValidation: checks });
  policy?.addAwsPolicyGates(app);
  const { stackName: name, env } = awsStackEnv(spec);
  const stack = new AwsBlueprintStack(app, name, { spec, env, stackName: name });
  // Refused before synth: a template on placeholder zones is not worth running the gates on.
  assertZonesResolved(stack, missingLookups.get(stack) ?? []);
  const assembly = app.synth();
  assertZonesResolved(stack, assembly.manifest.missing ?? []);
  policy?.assertPolicyClean(assembly.directory);
  return { stackName: name, templateFile: path.join(assembly.directory, stack.templateFile) };
}
