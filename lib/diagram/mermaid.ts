import type { Diagram, DiagramGroup, DiagramNode } from './model';

/*
 * Mermaid flowchart of a diagram, for Markdown (GitHub renders ```mermaid blocks). Groups become
 * nested subgraphs; labels are quoted and HTML-escaped so names never break the syntax.
 */

const text = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function node(n: DiagramNode): string {
  const label = [`<b>${text(n.title)}</b>`, ...n.lines.map(text)].join('<br/>');
  return n.kind === 'internet' ? `${n.id}(("${label}"))` : `${n.id}["${label}"]`;
}

function subgraph(d: Diagram, g: DiagramGroup, depth: number): string[] {
  const pad = '  '.repeat(depth);
  return [
    `${pad}subgraph ${g.id}["${text(g.label)}"]`,
    ...d.nodes.filter((n) => n.group === g.id).map((n) => `${pad}  ${node(n)}`),
    ...d.groups.filter((c) => c.parent === g.id).flatMap((c) => subgraph(d, c, depth + 1)),
    `${pad}end`,
  ];
}

export function toMermaid(d: Diagram): string {
  const edges = d.edges.map((e) => {
    const arrow = e.dashed ? '-.->' : '-->';
    const label = e.label ? `|${text(e.label)}|` : '';
    return `  ${e.from} ${arrow}${label} ${e.to}`;
  });
  return [
    '---',
    `title: ${d.title}`,
    '---',
    'flowchart LR',
    ...d.nodes.filter((n) => !n.group).map((n) => `  ${node(n)}`),
    ...d.groups.filter((g) => !g.parent).flatMap((g) => subgraph(d, g, 1)),
    ...edges,
    '',
  ].join('\n');
}
