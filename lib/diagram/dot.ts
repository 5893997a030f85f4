import type { Diagram, DiagramGroup, DiagramNode, NodeKind } from './model';

/*
 * Graphviz DOT of a diagram: groups as nested clusters, nodes as rounded boxes coloured by kind,
 * edges to a group drawn to its border (compound). Deterministic: same diagram, same text.
 */

export const KIND_COLORS: Record<NodeKind, string> = {
  internet: '#ffffff',
  edge: '#e8f1fb',
  waf: '#fde8e8',
  lb: '#e6f4ea',
  compute: '#fff4e0',
  cache: '#f3e8fd',
  database: '#e0f2f1',
  pooler: '#e0f2f1',
  job: '#ede7f6',
  dns: '#e3f2fd',
  network: '#eeeeee',
  secrets: '#fff9c4',
  monitoring: '#f5f5f5',
};

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function nodeLine(n: DiagramNode): string {
  const label = [n.title, ...n.lines].map((l) => l.replace(/\\/g, '\\\\').replace(/"/g, '\\"')).join('\\n');
  const shape = n.kind === 'internet' ? 'ellipse' : 'box';
  // Out-edges keep their order: replica 1 above replica 2, shard 0 above shard 1.
  const order = n.kind === 'database' || n.kind === 'cache' || n.kind === 'compute' ? ' ordering=out' : '';
  return `${n.id} [label="${label}" shape=${shape} fillcolor=${quote(KIND_COLORS[n.kind])}${order}];`;
}

function cluster(d: Diagram, g: DiagramGroup, depth: number): string[] {
  const pad = '  '.repeat(depth);
  const style = g.kind === 'region' ? 'rounded,dashed' : g.kind === 'network' ? 'rounded' : 'rounded,filled';
  const fill = g.kind === 'shard' ? ' fillcolor="#fafafa"' : '';
  return [
    `${pad}subgraph cluster_${g.id} {`,
    `${pad}  label=${quote(g.label)}; style=${quote(style)};${fill} color="#888888"; fontsize=11;`,
    ...d.nodes.filter((n) => n.group === g.id).map((n) => `${pad}  ${nodeLine(n)}`),
    ...d.groups
      .filter((c) => c.parent === g.id)
      .reverse()
      .flatMap((c) => cluster(d, c, depth + 1)),
    `${pad}}`,
  ];
}

/** First node inside a group (or its subgroups), the anchor of an edge drawn to the group. */
function anchor(d: Diagram, groupId: string): string | undefined {
  const direct = d.nodes.find((n) => n.group === groupId);
  if (direct) return direct.id;
  for (const child of d.groups.filter((g) => g.parent === groupId)) {
    const a = anchor(d, child.id);
    if (a) return a;
  }
  return undefined;
}

export function toDot(d: Diagram): string {
  const groups = new Set(d.groups.map((g) => g.id));
  const edges = d.edges.map((e) => {
    const toGroup = groups.has(e.to);
    const to = toGroup ? anchor(d, e.to) : e.to;
    const attrs = [
      ...(e.label ? [`label=${quote(e.label)}`] : []),
      ...(e.dashed ? ['style=dashed'] : []),
      ...(toGroup ? [`lhead=cluster_${e.to}`] : []),
    ];
    return to ? `  ${e.from} -> ${to}${attrs.length > 0 ? ` [${attrs.join(' ')}]` : ''};` : '';
  });
  return [
    `digraph ${quote(d.title)} {`,
    `  graph [rankdir=LR compound=true fontname="Arial" fontsize=12 label=${quote(d.title)} labelloc=t nodesep=0.3 ranksep=0.6];`,
    '  node [fontname="Arial" fontsize=10 style="rounded,filled" color="#555555" margin="0.16,0.06"];',
    '  edge [fontname="Arial" fontsize=9 color="#555555"];',
    ...d.nodes.filter((n) => !n.group).map((n) => `  ${nodeLine(n)}`),
    ...d.groups.filter((g) => !g.parent).flatMap((g) => cluster(d, g, 1)),
    // Graphviz stacks the out-edges of an ordered node bottom-up in this layout; listing edges last-first
    // puts replica 1 and shard 0 on top.
    ...edges.filter(Boolean).reverse(),
    '}',
    '',
  ].join('\n');
}
