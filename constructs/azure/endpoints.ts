import type { PostgresqlFlexibleServer } from '@cdktf/provider-azurerm/lib/postgresql-flexible-server';
import { PrivateDnsCnameRecord } from '@cdktf/provider-azurerm/lib/private-dns-cname-record';
import type { Construct } from 'constructs';
import { ENDPOINT_TTL_SECONDS, shardRecordNames } from '../../lib/endpoints';
import { CLOUD_LIMITS } from '../../lib/limits';
import type { ResolvedSpec, ShardPlan } from '../../lib/resolve';
import type { AzureNetwork } from './network';

/**
 * Reader names per shard: CNAME records are single-target and Terraform cannot learn a
 * replica's private IP, so a shard has as many reader names as Azure allows replicas, each a
 * CNAME of one replica (round robin when there are fewer, the primary when there are none).
 * The list the apps get never changes with the replica count.
 */
export const READER_SLOTS = CLOUD_LIMITS.azure.databaseReadReplicas.max;

/**
 * Reader slot `slot` (0-based) of a shard's reader name (relative or fully qualified):
 * `reader-1.db.x.internal` for `reader.db.x.internal`.
 */
export function readerHostName(reader: string, slot: number): string {
  const dot = reader.indexOf('.');
  return dot === -1 ? `${reader}-${slot + 1}` : `${reader.slice(0, dot)}-${slot + 1}${reader.slice(dot)}`;
}

/** What reader slot `slot` (0-based) points at: replica `slot mod n`, or the primary without replicas. */
export function readerTarget(slot: number, replicas: number): { replica: number } | 'primary' {
  return replicas === 0 ? 'primary' : { replica: slot % replicas };
}

/** The shard's stable names: the writer and READER_SLOTS readers, CNAMEs in the `db.` zone. */
export function databaseRecords(
  scope: Construct,
  spec: ResolvedSpec,
  plan: ShardPlan,
  primary: PostgresqlFlexibleServer,
  replicas: readonly PostgresqlFlexibleServer[],
  network: AzureNetwork,
): { writerRecord: PrivateDnsCnameRecord; readerRecords: PrivateDnsCnameRecord[] } {
  const names = shardRecordNames(plan);
  const record = (cid: string, name: string, target: string) =>
    new PrivateDnsCnameRecord(scope, cid, {
      name,
      zoneName: network.databaseEndpointsDnsZone.name,
      resourceGroupName: network.where.resourceGroupName,
      ttl: ENDPOINT_TTL_SECONDS,
      record: target,
      tags: { ...spec.tags },
    });
  const writerRecord = record(`WriterRecord${plan.suffix}`, names.writer, primary.fqdn);
  const readerRecords = Array.from({ length: READER_SLOTS }, (_, slot) => {
    const target = readerTarget(slot, replicas.length);
    const server = target === 'primary' ? primary : (replicas[target.replica] as PostgresqlFlexibleServer);
    return record(`ReaderRecord${plan.suffix}-${slot + 1}`, readerHostName(names.reader, slot), server.fqdn);
  });
  return { writerRecord, readerRecords };
}
