import type { Cloud } from '../../lib/constants';
import type { ResolvedSpec } from '../../lib/resolve';
import type { FieldPath } from './summary';

/*
 * Known deviations of a back end from what the spec asks, found by the parity suite and not
 * yet fixed. Unlike a gap (gaps.ts: the cloud cannot do it), a bug is something the cloud can
 * do and the stack does not. The parity test runs each as `test.failing`: the suite stays
 * green while the bug is there and fails the day it is fixed, so the entry gets removed.
 * docs/parity.md shows each with a ✗.
 */

export interface KnownBug {
  readonly id: string;
  readonly cloud: Cloud;
  readonly field: FieldPath;
  /** Specs where the bug shows. */
  readonly when: (spec: ResolvedSpec) => boolean;
  /** File, resource, what is wrong. */
  readonly description: string;
}

export const KNOWN_BUGS: readonly KnownBug[] = [
  {
    id: 'B1',
    cloud: 'azure',
    field: 'cdn.originLocked',
    when: (s) => s.cdn.enabled && !s.loadBalancer.waf,
    description:
      'constructs/azure/load-balancer.ts: the X-Azure-FDID check ("OnlyOurFrontDoor") is a custom rule of the WAF policy, which exists only when loadBalancer.waf is on. With the CDN on and the WAF off, the gateway is open to every Front Door profile (the NSG admits the AzureFrontDoor.Backend service tag, which every Azure customer\'s Front Door uses), so the CDN can be bypassed. AWS locks the ALB with a secret header rule regardless of the WAF. Fix: whenever the CDN is on, use the WAF_v2 SKU with a policy that carries the header rule (the managed rule sets only when loadBalancer.waf), or reject CDN on + WAF off for Azure in validation.',
  },
  {
    id: 'B2',
    cloud: 'azure',
    field: 'database.replicasRemovable',
    when: (s) => s.database.deletionProtection && s.database.shards.some((sh) => sh.readReplicas > 0),
    description:
      'constructs/azure/database.ts: with deletionProtection, the read replicas (azurerm_postgresql_flexible_server, create_mode Replica) get lifecycle.prevent_destroy too, so lowering readReplicas in a prod spec makes `terraform plan` fail ("Instance cannot be destroyed"). Replicas hold no data of their own: GCP leaves deletion protection off on replicas (docs/gcp.md) and AWS removes an Aurora reader normally. Fix: prevent_destroy on primaries (and databases) only.',
  },
];

/** Bugs showing for one cloud and spec. */
export function bugsFor(cloud: Cloud, spec: ResolvedSpec): KnownBug[] {
  return KNOWN_BUGS.filter((b) => b.cloud === cloud && b.when(spec));
}
