import type { ResolvedSpec } from './resolve';

/*
 * AWS zone names are per account: `us-east-1a` of one account is a different data centre than
 * another's, and in some regions not every account has every letter (ap-northeast-1 has no "b"
 * for accounts created after 2018; us-west-1 gives each account two of a/b/c; ca-central-1 has
 * a, b and d). A template with a zone the account lacks fails at deploy. So the AWS network
 * takes its zones, in order of preference, from the spec (`network.zoneNames.aws`), from the
 * account (a CDK context lookup when `accounts.aws` is set), or from this table of letters that
 * every account of the region is offered (AWS "Regions and Zones" and the EC2
 * DescribeAvailabilityZones behaviour per region). A region not listed, or asked for more zones
 * than listed, must name its zones or its account: validation says so.
 */
export const AWS_ZONE_LETTERS: Readonly<Record<string, readonly string[]>> = {
  'us-east-1': ['a', 'b', 'c', 'd', 'e', 'f'],
  'us-east-2': ['a', 'b', 'c'],
  'us-west-2': ['a', 'b', 'c', 'd'],
  // Every account has a and b; the third zone is "d" (there is no ca-central-1c for new accounts).
  'ca-central-1': ['a', 'b'],
  'eu-west-1': ['a', 'b', 'c'],
  'eu-west-2': ['a', 'b', 'c'],
  'eu-west-3': ['a', 'b', 'c'],
  'eu-central-1': ['a', 'b', 'c'],
  'eu-north-1': ['a', 'b', 'c'],
  'eu-south-1': ['a', 'b', 'c'],
  // Accounts created since 2018 have a, c and d; older ones a, b and c: only a and c are common.
  'ap-northeast-1': ['a', 'c'],
  'ap-northeast-2': ['a', 'b', 'c'],
  'ap-northeast-3': ['a', 'b', 'c'],
  'ap-southeast-1': ['a', 'b', 'c'],
  'ap-southeast-2': ['a', 'b', 'c'],
  'ap-south-1': ['a', 'b', 'c'],
  'sa-east-1': ['a', 'b', 'c'],
};

/** Where the AWS stack's zones come from. */
export type AwsZoneSource =
  /** Explicit names: from the spec, or the table. */
  | { readonly kind: 'names'; readonly names: readonly string[]; readonly from: 'spec' | 'table' }
  /** Looked up from the account at synth time (CDK context, cached in cdk.context.json). */
  | { readonly kind: 'lookup'; readonly count: number }
  /** Nothing can give them: validation refuses such a spec. */
  | { readonly kind: 'unknown'; readonly count: number };

/** The first `count` zones every account of `region` has, or undefined when the table cannot tell. */
export function tableZones(region: string, count: number): string[] | undefined {
  const letters = AWS_ZONE_LETTERS[region];
  if (!letters || letters.length < count) return undefined;
  return letters.slice(0, count).map((l) => `${region}${l}`);
}

/** The zones of the AWS stack for a resolved spec. */
export function awsZoneSource(spec: Pick<ResolvedSpec, 'network' | 'regions' | 'accounts'>): AwsZoneSource {
  const count = spec.network.zones;
  const named = spec.network.zoneNames.aws;
  if (named) return { kind: 'names', names: named, from: 'spec' };
  if (spec.accounts.aws) return { kind: 'lookup', count };
  const table = tableZones(spec.regions.aws, count);
  return table ? { kind: 'names', names: table, from: 'table' } : { kind: 'unknown', count };
}
