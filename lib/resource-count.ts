/*
 * How many CloudFormation resources the AWS stack of a spec holds, estimated from the spec
 * alone, so validation can refuse a spec that CloudFormation would refuse at deploy (500
 * resources per stack). The coefficients are counted from the synthesized AWS stack; the test
 * in test/lib/resource-count.test.ts synthesizes specs across every dimension below and fails
 * when the estimate drifts below the real count or more than a small margin above it.
 */

/** CloudFormation's resources-per-stack quota (not adjustable). */
export const AWS_RESOURCE_LIMIT = 500;

/** The spec values the count depends on (resolved or preset-filled). */
export interface AwsResourceInputs {
  readonly isProd: boolean;
  readonly zones: number;
  readonly databaseShards: number;
  readonly readReplicas: number;
  readonly highAvailability: boolean;
  readonly connectionPooling: boolean;
  readonly cacheShards: number;
  readonly schedules: number;
  readonly cdn: boolean;
}

/** Resources per unit of each dimension of the AWS stack. */
export const AWS_RESOURCES = {
  /** Key, VPC, load balancer, target group, listeners (and HTTPS), WAF, app group, role, topic, dashboard, fixed alarms. */
  fixed: 45,
  /** Per zone: three subnets, their route tables, associations and routes. */
  perZone: 11,
  /** Per NAT gateway (one per zone in prod, one otherwise): the gateway and its address. */
  perNat: 2,
  /** Per cache shard: memory, evictions and hit-ratio alarms. */
  perCacheShard: 3,
  /** Per database shard: cluster, writer, parameters, subnet group, admin secret, rotation, log group, security group, alarms. */
  perDatabaseShard: 18,
  /** Per database shard with connection pooling: the proxy, its target group, role, security group and rules. */
  perProxy: 10,
  /** Per reader instance, and the replica-lag alarm of a shard that has readers. */
  perReader: 1,
  perLagAlarm: 1,
  /** Per schedule: a start and an end scheduled action. */
  perSchedule: 2,
  /** The distribution, its log bucket and policies, the origin secret, and (us-east-1) the edge web ACL. */
  cdn: 7,
  /** Per shard, the app login: its secret, attachment, rotation and its security group rule, policy, 8 role statements, the first password. */
  perAppLogin: 15,
  /** Once per stack, what the app logins share: the bootstrap role, its policy, log group and the two functions. */
  appLoginFixed: 5,
} as const;

/** The estimate, with the field that contributes most (what to lower). */
export interface AwsResourceEstimate {
  readonly total: number;
  readonly largest: { readonly field: string; readonly resources: number };
  /** Every spec field that scales the count, largest contribution first. */
  readonly fields: readonly string[];
}

export function awsResourceEstimate(input: AwsResourceInputs): AwsResourceEstimate {
  const isProd = input.isProd;
  const r = AWS_RESOURCES;
  const readers = Math.max(input.readReplicas, input.highAvailability ? 1 : 0);
  const perShard =
    r.perDatabaseShard +
    (input.connectionPooling ? r.perProxy : 0) +
    readers * r.perReader +
    (readers > 0 ? 1 : 0) +
    r.perAppLogin;
  const parts: Array<{ field: string; resources: number }> = [
    { field: 'database.shards', resources: input.databaseShards * perShard },
    { field: 'cache.shards', resources: input.cacheShards * r.perCacheShard },
    { field: 'compute.scaling.schedules', resources: input.schedules * r.perSchedule },
    { field: 'network.zones', resources: input.zones * (r.perZone + (isProd ? r.perNat : 0)) },
  ];
  const total =
    r.fixed +
    (isProd ? 0 : r.perNat) +
    (input.cdn ? r.cdn : 0) +
    r.appLoginFixed +
    parts.reduce((n, p) => n + p.resources, 0);
  const sorted = [...parts].sort((a, b) => b.resources - a.resources);
  const largest = sorted[0] as { field: string; resources: number };
  const fields = sorted.filter((p) => p.field !== 'network.zones' && p.resources > 0).map((p) => p.field);
  if (largest.field === 'database.shards' && readers > 1) fields.splice(1, 0, 'database.readReplicas');
  return { total, largest, fields };
}
