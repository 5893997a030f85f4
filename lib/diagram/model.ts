import type { Cloud } from '../constants';

/*
 * The architecture picture of one synthesized stack, independent of how it is drawn: nodes (one
 * per drawn resource, one per database replica and cache node), nested groups (region, network,
 * shard) and edges (the request path, replication, egress). Readers build it from the template or
 * cdk.tf.json (lib/diagram/read-*.ts); dot.ts and mermaid.ts draw it.
 */

export type NodeKind =
  | 'internet'
  | 'edge'
  | 'waf'
  | 'lb'
  | 'compute'
  | 'cache'
  | 'database'
  | 'pooler'
  | 'job'
  | 'dns'
  | 'network'
  | 'secrets'
  | 'monitoring';

export interface DiagramNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** The cloud's own service name, e.g. "Aurora PostgreSQL writer". */
  readonly title: string;
  /** Details under the title: type, counts, zones. */
  readonly lines: readonly string[];
  /** Id of the innermost group holding the node. */
  readonly group?: string;
}

export interface DiagramGroup {
  readonly id: string;
  readonly label: string;
  readonly parent?: string;
  readonly kind: 'region' | 'network' | 'shard';
}

export interface DiagramEdge {
  readonly from: string;
  /** A node id, or a group id (drawn to the group's border). */
  readonly to: string;
  readonly label?: string;
  readonly dashed?: boolean;
}

export interface Diagram {
  readonly cloud: Cloud;
  readonly title: string;
  readonly nodes: readonly DiagramNode[];
  readonly groups: readonly DiagramGroup[];
  readonly edges: readonly DiagramEdge[];
}

/** Accumulates a diagram; ids are made safe for DOT and Mermaid once, here. */
export class DiagramBuilder {
  private readonly nodes: DiagramNode[] = [];
  private readonly groups: DiagramGroup[] = [];
  private readonly edges: DiagramEdge[] = [];

  constructor(
    private readonly cloud: Cloud,
    private readonly title: string,
  ) {}

  static id(raw: string): string {
    return raw.replace(/[^A-Za-z0-9_]/g, '_');
  }

  node(id: string, kind: NodeKind, title: string, lines: readonly string[], group?: string): string {
    const safe = DiagramBuilder.id(id);
    this.nodes.push({ id: safe, kind, title, lines, ...(group ? { group } : {}) });
    return safe;
  }

  /** Group ids carry a prefix so a group never shares an id with a node (Mermaid needs that). */
  group(id: string, label: string, kind: DiagramGroup['kind'], parent?: string): string {
    const safe = `grp_${DiagramBuilder.id(id)}`;
    this.groups.push({ id: safe, label, kind, ...(parent ? { parent } : {}) });
    return safe;
  }

  /** A cache primary and its replicas (one node each), replication drawn dashed; returns the primary. */
  cacheNodes(id: string, engine: string, lines: readonly string[], replicas: number, group: string): string {
    const primary = this.node(`${id}_primary`, 'cache', `${engine} primary`, lines, group);
    for (let r = 1; r <= replicas; r++) {
      this.edge(
        primary,
        this.node(`${id}_replica${r}`, 'cache', `${engine} replica ${r}`, lines, group),
        undefined,
        true,
      );
    }
    return primary;
  }

  /** A NAT gateway the app's outbound traffic leaves through, to the internet. */
  nat(id: string, title: string, lines: readonly string[], group: string, from: string | undefined): void {
    const nat = this.node(id, 'network', title, lines, group);
    this.edge(from, nat, undefined, true);
    this.edge(nat, this.egress(), 'egress', true);
  }

  /** The secret store the app reads (when there is one) and the alarms, beside the network. */
  operations(
    from: string | undefined,
    group: string,
    secrets: { id: string; title: string; lines: readonly string[] } | undefined,
    monitoring: { title: string; lines: readonly string[] } | undefined,
  ): void {
    if (secrets)
      this.edge(from, this.node(secrets.id, 'secrets', secrets.title, secrets.lines, group), 'secrets', true);
    if (monitoring) this.node('monitoring', 'monitoring', monitoring.title, monitoring.lines, group);
  }

  /**
   * The deploy-time job that creates the app's database roles, with a dashed edge to every shard's
   * primary (labelled once): a reader sees who holds the admin login and what it touches.
   */
  bootstrapJob(id: string, title: string, lines: readonly string[], group: string, primaries: readonly string[]): void {
    const job = this.node(id, 'job', title, lines, group);
    primaries.forEach((p, i) => {
      this.edge(job, p, i === 0 ? 'app roles' : undefined, true);
    });
  }

  /** The private DNS zone the app resolves its stable per-role database names in. */
  endpointZone(id: string, title: string, lines: readonly string[], group: string, from: string | undefined): void {
    this.edge(from, this.node(id, 'dns', title, lines, group), 'resolves', true);
  }

  /** The internet as the destination of outbound traffic (NAT), drawn apart from the clients. */
  egress(): string {
    const id = 'internet_egress';
    if (!this.nodes.some((n) => n.id === id)) this.node(id, 'internet', 'Internet', ['outbound: image pulls, APIs']);
    return id;
  }

  edge(from: string | undefined, to: string | undefined, label?: string, dashed = false): void {
    if (!from || !to) return;
    this.edges.push({ from, to, ...(label ? { label } : {}), ...(dashed ? { dashed } : {}) });
  }

  build(): Diagram {
    return { cloud: this.cloud, title: this.title, nodes: this.nodes, groups: this.groups, edges: this.edges };
  }
}

/** "3" or "2-12": a count or a range. */
export const range = (min: number, max: number) => (min === max ? String(min) : `${min}-${max}`);

/** Zone names shortened to their letters when they share a region prefix ("us-east-1a, b, c"). */
export function zoneList(zones: readonly string[]): string {
  if (zones.length === 0) return '';
  const [first, ...rest] = zones as [string, ...string[]];
  const prefix = first.slice(0, -1);
  return rest.every((z) => z.slice(0, -1) === prefix)
    ? [first, ...rest.map((z) => z.slice(-1))].join(', ')
    : zones.join(', ');
}
