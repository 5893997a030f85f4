import type { ResolvedSpec, ShardPlan } from './resolve';

/*
 * Stable names for the database roles, so that adding or removing a read replica changes DNS
 * records and never the environment baked into the VMs (which would roll every VM): the writer
 * and the readers of each shard get one private DNS name each, in a private zone of the
 * network. Clouds whose managed endpoints are already stable per role use those instead (Aurora
 * cluster and reader endpoints); the others (Cloud SQL private IPs, Flexible Server replica
 * FQDNs) publish records here. Shard 0 has no suffix, like every other shard-0 name.
 */

/** The private DNS zone of the database endpoints: `db.<name>-<env>.internal`. */
export function databaseZoneName(spec: Pick<ResolvedSpec, 'names'>): string {
  return `db.${spec.names.base}.internal`;
}

/** Record (relative) names of one shard's writer and readers. */
export function shardRecordNames(shard: Pick<ShardPlan, 'suffix'>): { writer: string; reader: string } {
  return { writer: `writer${shard.suffix}`, reader: `reader${shard.suffix}` };
}

/** Fully qualified names of one shard's writer and readers. */
export function shardHostNames(
  spec: Pick<ResolvedSpec, 'names'>,
  shard: Pick<ShardPlan, 'suffix'>,
): { writer: string; reader: string } {
  const zone = databaseZoneName(spec);
  const r = shardRecordNames(shard);
  return { writer: `${r.writer}.${zone}`, reader: `${r.reader}.${zone}` };
}

/** Seconds resolvers may cache an endpoint record: a removed replica leaves rotation within it. */
export const ENDPOINT_TTL_SECONDS = 30;
