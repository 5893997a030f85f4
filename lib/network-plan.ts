import { NETWORK_PREFIX } from './limits';

/*
 * Carves the spec's network into subnets, once for all clouds, so that the address plan is
 * the same everywhere and never shifts when the spec grows (a moved subnet replaces every
 * resource in it). The network is cut into 16 equal blocks (prefix + 4) and each role owns
 * fixed block numbers: growing zones from 2 to 3 only adds blocks.
 */

/** Block numbers per role. Zones use consecutive blocks: zone i = first + i. */
const BLOCKS = {
  public: 0, // 0-2: load balancer / gateway / NAT subnets per zone
  private: 3, // 3-5: app VMs per zone (egress through NAT)
  isolated: 6, // 6-8: databases and caches per zone (no route to the internet)
  endpoints: 9, // private endpoints (Azure)
  jobs: 10, // one-shot deploy jobs inside the network (Azure container instances: database bootstrap)
  services: 12, // 12-15 (one block of prefix + 2): managed-service peering range (GCP)
} as const;

/** The subnet plan every cloud maps onto its own network model. */
export interface SubnetPlan {
  /** The whole network. */
  readonly cidr: string;
  /** Prefix length of one block (network prefix + 4). */
  readonly blockPrefix: number;
  /** Public subnets, one per zone (AWS public tier; Azure gateway subnet uses [0]). */
  readonly public: readonly string[];
  /** Private subnets with NAT egress, one per zone (AWS; GCP and Azure app subnet use [0]). */
  readonly private: readonly string[];
  /** Isolated subnets, one per zone (AWS data tier; Azure PostgreSQL delegated subnet uses [0]). */
  readonly isolated: readonly string[];
  /** Private endpoints (Azure Key Vault, Redis). */
  readonly endpoints: string;
  /** One-shot deploy jobs that must run inside the network (Azure: the database bootstrap container). */
  readonly jobs: string;
  /** Range reserved for managed-service peering (GCP private service access), prefix + 2. */
  readonly services: string;
}

function toInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** Parses "a.b.c.d/p"; returns undefined unless it is a well-formed IPv4 CIDR. */
export function parseCidr(cidr: string): { base: number; prefix: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  return { base: toInt(octets.join('.')), prefix };
}

/** True when the CIDR is well formed, in an RFC 1918 range, and names its network address. */
export function isValidCidr(cidr: string): boolean {
  const parsed = parseCidr(cidr);
  if (!parsed) return false;
  const { base, prefix } = parsed;
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) return false;
  const inRange = (net: string, p: number) =>
    prefix >= p && Math.floor(base / 2 ** (32 - p)) === Math.floor(toInt(net) / 2 ** (32 - p));
  return inRange('10.0.0.0', 8) || inRange('172.16.0.0', 12) || inRange('192.168.0.0', 16);
}

/** A human reason the CIDR cannot hold the plan, or undefined when it can. */
export function cidrSizeProblem(cidr: string): string | undefined {
  const parsed = parseCidr(cidr);
  if (!parsed) return undefined;
  if (parsed.prefix < NETWORK_PREFIX.min || parsed.prefix > NETWORK_PREFIX.max) {
    return `a /${NETWORK_PREFIX.min} to /${NETWORK_PREFIX.max} network (16 subnets of at least /24 each)`;
  }
  return undefined;
}

/** Plans the subnets of `cidr` for `zones` zones. The CIDR must be valid (see validate.ts). */
export function planSubnets(cidr: string, zones: number): SubnetPlan {
  const parsed = parseCidr(cidr);
  if (!parsed) throw new Error(`invalid CIDR ${cidr}`);
  const blockPrefix = parsed.prefix + 4;
  const blockSize = 2 ** (32 - blockPrefix);
  const block = (i: number, prefix = blockPrefix) => `${toIp(parsed.base + i * blockSize)}/${prefix}`;
  const perZone = (first: number) => Array.from({ length: zones }, (_, i) => block(first + i));
  return {
    cidr,
    blockPrefix,
    public: perZone(BLOCKS.public),
    private: perZone(BLOCKS.private),
    isolated: perZone(BLOCKS.isolated),
    endpoints: block(BLOCKS.endpoints),
    jobs: block(BLOCKS.jobs),
    services: block(BLOCKS.services, parsed.prefix + 2),
  };
}
