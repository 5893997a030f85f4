import { CLOUDS, type Cloud } from '../../lib/constants';
import { type Diagram, DRAWN_TYPES, readDiagram, toDot, toMermaid } from '../../lib/diagram';
import { renderSvg } from '../../lib/diagram/svg';
import type { ResolvedSpec } from '../../lib/resolve';
import { resolved } from '../fixtures';
import { type Synthesized, synthToFiles } from '../support/outputs';

/*
 * The architecture diagrams, read from synthesized stacks: one node per database server and cache
 * node, one group per shard, each cloud's service names, CDN / WAF / zones as configured, and
 * resource types the readers do not know left out without breaking anything.
 */

const SPECS: Record<string, () => ResolvedSpec> = {
  example: () => resolved('example'),
  // No CDN; two database shards with 3 replicas each; a clustered cache, 2 shards x (1 + 2).
  grown: () =>
    resolved('prod', {
      database: { shards: 2, readReplicas: 3 },
      cache: { shards: 2, replicasPerShard: 2 },
    }),
};

const outputs: Record<string, { spec: ResolvedSpec; out: Synthesized }> = {};
beforeAll(() => {
  for (const [name, make] of Object.entries(SPECS)) {
    const spec = make();
    outputs[name] = { spec, out: synthToFiles(spec) };
  }
}, 180_000);

function diagramOf(name: string, cloud: Cloud): Diagram {
  const { out } = outputs[name] as { out: Synthesized };
  return readDiagram(cloud, out[cloud], `${name} ${cloud}`);
}
const titles = (d: Diagram, kind: string) => d.nodes.filter((n) => n.kind === kind).map((n) => n.title);

describe('diagram readers', () => {
  it.each(CLOUDS)(
    'GIVEN the grown spec on %s WHEN drawn THEN one node per database server, grouped per shard',
    (cloud) => {
      const { spec } = outputs.grown as { spec: ResolvedSpec };
      const d = diagramOf('grown', cloud);
      const shards = d.groups.filter((g) => /^shard \d+: /.test(g.label));
      expect(shards.map((g) => g.label.slice(0, 8))).toEqual(['shard 0:', 'shard 1:']);
      for (const shard of shards) {
        const members = d.nodes.filter((n) => n.group === shard.id && n.kind === 'database');
        // Every cloud: a primary and 3 replicas (Aurora's HA standby is one of its readers).
        expect(members).toHaveLength(1 + spec.database.readReplicas);
      }
    },
  );

  it('GIVEN the grown spec WHEN drawn THEN cache nodes follow each cloud: ElastiCache and Redis Cluster 2 x (1 + 2), Azure one service', () => {
    expect(titles(diagramOf('grown', 'aws'), 'cache')).toHaveLength(6);
    expect(titles(diagramOf('grown', 'gcp'), 'cache')).toHaveLength(6);
    expect(titles(diagramOf('grown', 'azure'), 'cache')).toEqual(['Azure Managed Redis']);
    const awsShards = diagramOf('grown', 'aws').groups.filter((g) => /^shard \d$/.test(g.label));
    expect(awsShards).toHaveLength(2);
  });

  it('GIVEN the example (CDN and WAF on) WHEN drawn THEN each cloud names its own CDN, WAF and load balancer', () => {
    const expected: Record<Cloud, [string[], string[], string[]]> = {
      // The CloudFront-scope ACL in front of the distribution, the regional one on the load balancer.
      aws: [['Amazon CloudFront'], ['AWS WAF web ACL (CloudFront)', 'AWS WAF web ACL'], ['Application Load Balancer']],
      gcp: [['Cloud CDN'], ['Cloud Armor policy'], ['External Application Load Balancer (global)']],
      azure: [['Azure Front Door'], ['WAF policy (Application Gateway)'], ['Application Gateway v2']],
    };
    for (const cloud of CLOUDS) {
      const d = diagramOf('example', cloud);
      expect([titles(d, 'edge'), titles(d, 'waf'), titles(d, 'lb')]).toEqual(expected[cloud]);
    }
  });

  it.each([
    ['aws', 'Database bootstrap (AWS Lambda, at deploy)', undefined],
    ['gcp', 'Database roles job (Compute Engine VM)', 'Cloud DNS private zone'],
    ['azure', 'Database bootstrap job (Container Instances)', 'Private DNS zone'],
  ] as const)(
    'GIVEN the grown spec (2 shards) on %s WHEN drawn THEN the bootstrap job reaches every primary and the endpoint zone is the one drawn',
    (cloud, job, zone) => {
      const d = diagramOf('grown', cloud);
      const [jobNode, ...otherJobs] = d.nodes.filter((n) => n.kind === 'job');
      expect([jobNode?.title, otherJobs]).toEqual([job, []]);
      const primaries = d.nodes.filter(
        (n) => n.kind === 'database' && /^(Aurora writer|Cloud SQL primary|Flexible server primary)$/.test(n.title),
      );
      expect(primaries).toHaveLength(2);
      expect(d.edges.filter((e) => e.from === jobNode?.id).map((e) => [e.to, e.dashed])).toEqual(
        primaries.map((p) => [p.id, true]),
      );
      // Only the zone of the per-role names (writer, readers per shard); the private-link zones are not drawn.
      const zones = d.nodes.filter((n) => n.kind === 'dns');
      expect(zones.map((n) => n.title)).toEqual(zone ? [zone] : []);
      if (zone) expect(zones[0]?.lines).toContain('db.shop-api-prd.internal');
    },
  );

  it('GIVEN the grown spec (no CDN) WHEN drawn THEN there is no CDN node and the internet reaches the WAF first', () => {
    for (const cloud of CLOUDS) {
      const d = diagramOf('grown', cloud);
      expect(titles(d, 'edge')).toEqual([]);
      const waf = d.nodes.find((n) => n.kind === 'waf');
      expect(d.edges).toContainEqual(expect.objectContaining({ from: 'internet', to: waf?.id }));
    }
  });

  it('GIVEN the example WHEN drawn THEN the zones show: per network, per NAT gateway, per group', () => {
    const aws = diagramOf('example', 'aws');
    expect(aws.groups.find((g) => g.kind === 'network')?.label).toBe('VPC 10.20.0.0/16, zones us-east-1a, b, c');
    expect(aws.nodes.filter((n) => n.title === 'NAT gateway').map((n) => n.lines[0])).toEqual([
      'us-east-1a',
      'us-east-1b',
      'us-east-1c',
    ]);
    expect(diagramOf('example', 'gcp').nodes.find((n) => n.kind === 'compute')?.lines).toContain(
      'zones us-central1-a, b, c',
    );
    expect(diagramOf('example', 'azure').nodes.find((n) => n.kind === 'lb')?.lines).toContain('zones 1, 2, 3');
  });

  it.each(CLOUDS)(
    'GIVEN a %s stack with resource types the reader does not know WHEN drawn THEN they are left out and nothing else changes',
    (cloud) => {
      const { out } = outputs.example as { out: Synthesized };
      const before = readDiagram(cloud, out[cloud], 't');
      const extended =
        cloud === 'aws'
          ? {
              ...out.aws,
              Resources: {
                ...out.aws?.Resources,
                NewThing: { Type: 'AWS::Route53::RecordSet', Properties: { Name: 'x' } },
              },
            }
          : { ...out[cloud], resource: { ...out[cloud]?.resource, future_resource_type: { x: { name: 'x' } } } };
      expect(readDiagram(cloud, extended, 't')).toEqual(before);
    },
  );

  it.each(CLOUDS)(
    'GIVEN only the %s types the reader lists WHEN drawn THEN the picture is the same (it reads nothing else)',
    (cloud) => {
      const { out } = outputs.example as { out: Synthesized };
      const drawn = new Set(DRAWN_TYPES[cloud]);
      const only =
        cloud === 'aws'
          ? {
              Resources: Object.fromEntries(
                Object.entries(out.aws?.Resources ?? {}).filter(([, r]) => drawn.has(r.Type)),
              ),
            }
          : { resource: Object.fromEntries(Object.entries(out[cloud]?.resource ?? {}).filter(([t]) => drawn.has(t))) };
      expect(readDiagram(cloud, only, 't')).toEqual(readDiagram(cloud, out[cloud], 't'));
    },
  );

  it('GIVEN the readers WHEN listed THEN these are the resource types drawn (anything else is not)', () => {
    // The reviewed list is in the snapshot: a type added to a reader shows up there in review.
    expect(DRAWN_TYPES).toMatchSnapshot();
  });
});

describe('diagram rendering', () => {
  it.each(CLOUDS)('GIVEN the grown spec on %s WHEN drawn as Mermaid THEN it matches the reviewed snapshot', (cloud) => {
    expect(toMermaid(diagramOf('grown', cloud))).toMatchSnapshot();
  });

  it('GIVEN a diagram WHEN rendered to SVG in-process THEN Graphviz draws one SVG node per diagram node and every cluster', () => {
    const d = diagramOf('grown', 'gcp');
    const svg = renderSvg(toDot(d));
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg.match(/class="node"/g)).toHaveLength(d.nodes.length);
    expect(svg.match(/class="cluster"/g)).toHaveLength(d.groups.length);
    expect(svg).not.toContain('Generated by graphviz');
  });

  it('GIVEN broken DOT WHEN rendered THEN the error carries Graphviz message, not a crash', () => {
    expect(() => renderSvg('digraph { a -> }')).toThrow(/Graphviz could not render the diagram: syntax error/);
  });

  it('GIVEN labels with quotes and angle brackets WHEN drawn THEN DOT and Mermaid escape them', () => {
    const d: Diagram = {
      cloud: 'aws',
      title: 't "x"',
      nodes: [{ id: 'n', kind: 'lb', title: 'a "b" <c>', lines: ['d\\e'] }],
      groups: [],
      edges: [],
    };
    expect(toDot(d)).toContain('n [label="a \\"b\\" <c>\\nd\\\\e"');
    expect(toMermaid(d)).toContain('n["<b>a &quot;b&quot; &lt;c&gt;</b><br/>d\\e"]');
    expect(renderSvg(toDot(d))).toContain('a &quot;b&quot; &lt;c&gt;');
  });
});
