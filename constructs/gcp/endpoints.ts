import { DnsManagedZone, type DnsManagedZoneConfig } from '@cdktf/provider-google/lib/dns-managed-zone';
import { DnsRecordSet, type DnsRecordSetConfig } from '@cdktf/provider-google/lib/dns-record-set';
import { Construct } from 'constructs';
import { databaseZoneName, ENDPOINT_TTL_SECONDS, shardHostNames, shardRecordNames } from '../../lib/endpoints';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec, ShardPlan } from '../../lib/resolve';
import type { GcpNetworkRef } from './network';

/** The addresses one shard's records point at (deploy-time tokens). */
export interface ShardAddresses {
  readonly shard: Pick<ShardPlan, 'suffix'>;
  /** Private IP of the primary. */
  readonly primary: string;
  /** Private IPs of the read replicas, in replica order; empty = the primary serves reads. */
  readonly replicas: readonly string[];
}

export interface GcpDatabaseEndpointsProps {
  /** The resolved spec: zone name, labels. */
  readonly spec: ResolvedSpec;
  /** The VPC the private zone is visible in. */
  readonly network: GcpNetworkRef;
  /** Every shard's addresses. */
  readonly shards: readonly ShardAddresses[];
  /** Per-resource overrides, applied last. @default none */
  readonly overrides?: {
    /** The private managed zone. */
    readonly zone?: Override<DnsManagedZoneConfig>;
    /** Every A record (check `name`). */
    readonly record?: Override<DnsRecordSetConfig>;
  };
}

/**
 * Stable names per database role (lib/endpoints.ts): a Cloud DNS private zone visible only in
 * the VPC, and per shard a writer A record (the primary's private IP) and a reader A record
 * (every replica's, or the primary's when there are none). The VMs get these names, so adding or
 * removing a replica changes a record, never the VMs' environment.
 */
export class GcpDatabaseEndpoints extends Construct {
  public readonly zone: DnsManagedZone;
  /** Writer and reader record per shard, shard order. */
  public readonly records: ReadonlyArray<{ readonly writer: DnsRecordSet; readonly reader: DnsRecordSet }>;
  /** Fully qualified writer and reader names per shard (no trailing dot), shard order. */
  public readonly hostNames: ReadonlyArray<{ readonly writer: string; readonly reader: string }>;

  constructor(scope: Construct, id: string, props: GcpDatabaseEndpointsProps) {
    super(scope, id);
    const { spec } = props;
    const o = props.overrides ?? {};
    const zoneName = databaseZoneName(spec);
    this.zone = new DnsManagedZone(
      this,
      'zone',
      applyOverride<DnsManagedZoneConfig>(
        {
          name: spec.names.of('gcpResource', '-db'),
          dnsName: `${zoneName}.`,
          description: `Database endpoints of ${spec.names.base}: one name per role and shard`,
          visibility: 'private',
          privateVisibilityConfig: { networks: [{ networkUrl: props.network.vpcId }] },
          labels: { ...spec.tags },
        },
        o.zone,
      ),
    );
    const record = (rid: string, name: string, addresses: readonly string[]) =>
      new DnsRecordSet(
        this,
        rid,
        applyOverride<DnsRecordSetConfig>(
          {
            name: `${name}.${zoneName}.`,
            managedZone: this.zone.name,
            type: 'A',
            ttl: ENDPOINT_TTL_SECONDS,
            rrdatas: [...addresses],
          },
          o.record,
        ),
      );
    this.records = props.shards.map(({ shard, primary, replicas }) => {
      const names = shardRecordNames(shard);
      return {
        writer: record(`writer${shard.suffix}`, names.writer, [primary]),
        reader: record(`reader${shard.suffix}`, names.reader, replicas.length > 0 ? replicas : [primary]),
      };
    });
    this.hostNames = props.shards.map(({ shard }) => shardHostNames(spec, shard));
  }
}
