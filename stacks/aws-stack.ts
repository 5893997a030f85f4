import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, CfnOutput, type CfnResource, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { AwsCache, type AwsCacheProps } from '../constructs/aws/cache';
import { AwsCdn, type AwsCdnProps } from '../constructs/aws/cdn';
import { AwsComputeGroup, type AwsComputeGroupProps } from '../constructs/aws/compute-group';
import { AwsDatabase, type AwsDatabaseProps, databaseId } from '../constructs/aws/database';
import { AwsLoadBalancer, type AwsLoadBalancerProps } from '../constructs/aws/load-balancer';
import { AwsMonitoring, type AwsMonitoringProps } from '../constructs/aws/monitoring';
import { AwsNetwork, type AwsNetworkProps } from '../constructs/aws/network';
import { AwsSecrets, type AwsSecretsProps } from '../constructs/aws/secrets';
import { OUTPUT_NAMES, type OutputName } from '../lib/constants';
import { environmentContract } from '../lib/contract';
import { stackName } from '../lib/naming';
import type { ResolvedSpec } from '../lib/resolve';

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

/** Props of {@link AwsBlueprintStack}. */
export interface AwsBlueprintStackProps extends StackProps {
  /** The resolved spec. */
  readonly spec: ResolvedSpec;
  /** Bring your own VPC (see AwsNetworkProps.vpc). @default - a new VPC from the spec */
  readonly vpc?: ec2.IVpc;
  /** Per-resource overrides. @default - none */
  readonly overrides?: AwsBlueprintOverrides;
}

/**
 * The whole backend on AWS from one resolved spec: key, network, cache, database shards,
 * load balancer (+ WAF), optional CDN, the app's Auto Scaling group, monitoring, and the
 * outputs of the environment contract. Construct ids here are part of every stateful
 * resource's logical id: they never change (test/stacks/aws-stack.test.ts pins them).
 */
export class AwsBlueprintStack extends Stack {
  public readonly spec: ResolvedSpec;
  public readonly secrets: AwsSecrets;
  public readonly network: AwsNetwork;
  public readonly cache: AwsCache;
  /** One per shard; [0] is the unsharded database. */
  public readonly databases: AwsDatabase[];
  public readonly loadBalancer: AwsLoadBalancer;
  public readonly cdn?: AwsCdn;
  public readonly computeGroup: AwsComputeGroup;
  public readonly monitoring: AwsMonitoring;
  /** The environment contract, as given to the instances and the outputs. */
  public readonly contract: ReturnType<typeof environmentContract>;
  /** The public entry: the CDN when on, else the load balancer. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: AwsBlueprintStackProps) {
    super(scope, id, {
      description: `Scaling blueprint ${props.spec.name} (${props.spec.environment}): network, load balancer, app group, cache, database`,
      ...props,
    });
    const { spec } = props;
    const o = props.overrides ?? {};
    this.spec = spec;

    this.secrets = new AwsSecrets(this, 'Secrets', { spec, overrides: o.secrets });
    const key = this.secrets.key;
    this.network = new AwsNetwork(this, 'Network', { spec, key, overrides: o.network, vpc: props.vpc });
    const vpc = this.network.vpc;

    this.cache = new AwsCache(this, 'Cache', { spec, vpc, key, overrides: o.cache });
    this.databases = spec.database.shards.map(
      (shard) => new AwsDatabase(this, databaseId(shard), { spec, shard, vpc, key, overrides: o.database }),
    );

    this.loadBalancer = new AwsLoadBalancer(this, 'LoadBalancer', { spec, vpc, key, overrides: o.loadBalancer });
    if (spec.cdn.enabled) {
      this.cdn = new AwsCdn(this, 'Cdn', {
        spec,
        loadBalancer: this.loadBalancer.loadBalancer,
        ...(this.loadBalancer.originSecret ? { originSecret: this.loadBalancer.originSecret } : {}),
        ...(this.loadBalancer.certificate ? { loadBalancerCertificate: this.loadBalancer.certificate } : {}),
        overrides: o.cdn,
      });
    }

    this.contract = environmentContract({
      shards: this.databases.map((db) => db.endpoints),
      cacheHost: this.cache.host,
      cachePort: this.cache.port,
      cacheSecret: this.cache.authToken.secretArn,
    });
    this.computeGroup = new AwsComputeGroup(this, 'ComputeGroup', {
      spec,
      vpc,
      targetGroup: this.loadBalancer.targetGroup,
      loadBalancer: this.loadBalancer.loadBalancer,
      environment: this.contract,
      // The app's logins and the cache token only: the admin secrets stay with operators.
      readableSecrets: [...this.databases.map((db) => db.appSecret), this.cache.authToken],
      overrides: o.computeGroup,
    });
    // New instances start once every shard's app login works.
    const groupResource = this.computeGroup.group.node.defaultChild as CfnResource;
    for (const db of this.databases) groupResource.node.addDependency(db.appCredentials.ready);
    this.cache.allowFrom(this.computeGroup.group);
    for (const db of this.databases) db.allowFrom(this.computeGroup.group);

    this.monitoring = new AwsMonitoring(this, 'Monitoring', {
      spec,
      loadBalancer: this.loadBalancer.loadBalancer,
      targetGroup: this.loadBalancer.targetGroup,
      group: this.computeGroup.group,
      databases: this.databases,
      cache: this.cache,
      key,
      overrides: o.monitoring,
    });

    this.url = this.cdn ? this.cdn.url : this.loadBalancer.url;
    const values: Record<OutputName, string> = { ...this.contract, LOAD_BALANCER_URL: this.url };
    for (const name of OUTPUT_NAMES) {
      new CfnOutput(this, AWS_OUTPUT_IDS[name], { value: values[name], description: name });
    }

    for (const [k, v] of Object.entries(spec.tags)) Tags.of(this).add(k, v);
  }
}

/** The cdk.json next to the package root (source tree or dist/). */
function findCdkJson(): string {
  for (const up of ['..', path.join('..', '..')]) {
    const candidate = path.resolve(__dirname, up, 'cdk.json');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('cdk.json not found next to the package');
}

/**
 * Feature flags of the AWS app: the "context" of cdk.json, the single place they are set, so
 * `cdk synth` and `blueprint synth` build the same template.
 */
export function awsAppContext(): Record<string, unknown> {
  const cdkJson = findCdkJson();
  const json = JSON.parse(fs.readFileSync(cdkJson, 'utf8')) as { context?: Record<string, unknown> };
  return { ...json.context, ...cachedLookups(path.dirname(cdkJson)) };
}

/**
 * Context lookups `npx cdk synth` cached (cdk.context.json, next to cdk.json or in the working
 * directory): the account's availability zones, so `blueprint synth` builds the template that
 * `cdk synth` built without credentials of its own.
 */
function cachedLookups(cdkJsonDir: string): Record<string, unknown> {
  const files = [...new Set([cdkJsonDir, process.cwd()].map((d) => path.join(d, CDK_CONTEXT_FILE)))];
  return Object.assign(
    {},
    ...files.filter((f) => fs.existsSync(f)).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as object),
  );
}

/** The file the CDK CLI caches context lookups in. */
export const CDK_CONTEXT_FILE = 'cdk.context.json';

/** A synth that cannot be completed from the spec and the cached context alone; one line, exit 1. */
export class AwsSynthInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * Refuses a template built on CDK's placeholder zones: the spec asks for the account's zones
 * (accounts.aws set, no network.zoneNames.aws) and no cached lookup answered.
 */
export function assertZonesResolved(stack: AwsBlueprintStack, missing: readonly { provider: string }[]): void {
  const source = stack.network.zones?.source;
  if (source?.kind !== 'lookup' || !missing.some((m) => m.provider === AZ_LOOKUP_PROVIDER)) return;
  const { spec } = stack;
  throw new AwsSynthInputError(
    `network.zoneNames.aws: the availability zones of account ${spec.accounts.aws} in ${spec.regions.aws} are not cached; run \`npx cdk synth\` once with credentials for that account (it looks them up and caches them in ${CDK_CONTEXT_FILE}), or set network.zoneNames.aws`,
  );
}

/** The context provider CDK uses for Stack.availabilityZones. */
const AZ_LOOKUP_PROVIDER = 'availability-zones';

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
  // The gates are modules of their own: an ungated synth never loads cdk-nag or the validators.
  const policy = checks ? (require('./aws-policy') as typeof import('./aws-policy')) : undefined;
  if (policy && (options.baselineWasmCompiler ?? true)) policy.useBaselineWasmCompiler();
  // The built-in validation is one of the gates: registered by addAwsPolicyGates, or off.
  const app = new App({ outdir, context: awsAppContext(), builtinCloudFormationValidation: checks });
  policy?.addAwsPolicyGates(app);
  const { stackName: name, env } = awsStackEnv(spec);
  const stack = new AwsBlueprintStack(app, name, { spec, env, stackName: name });
  const assembly = app.synth();
  assertZonesResolved(stack, assembly.manifest.missing ?? []);
  policy?.assertPolicyClean(assembly.directory);
  return { stackName: name, templateFile: path.join(assembly.directory, stack.templateFile) };
}
