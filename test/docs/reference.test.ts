import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Cloud } from '../../lib/constants';
import type { ResolvedSpec } from '../../lib/resolve';
import { specJsonSchema } from '../../lib/spec';
import { resolved } from '../fixtures';
import { synthesizedOutputs } from '../support/outputs';

/*
 * docs/reference/*.md cannot drift: every spec field a page names is in the spec's schema, and
 * every `resource.attribute` it names exists in what the example spec (and a grown variant with
 * a sharded cache and database) synthesizes on that cloud.
 */

// biome-ignore lint/suspicious/noExplicitAny: synthesized JSON is untyped
type Json = any;

const DIR = path.join(__dirname, '..', '..', 'docs', 'reference');
const CLOUDS: readonly Cloud[] = ['aws', 'gcp', 'azure'];

/** Resource bodies by type, per cloud (CloudFormation Properties; Terraform JSON bodies), from `blueprint synth`'s files. */
function resources(spec: ResolvedSpec): Record<Cloud, Map<string, Json[]>> {
  const add = (map: Map<string, Json[]>, type: string, body: Json) => map.set(type, [...(map.get(type) ?? []), body]);
  const out = synthesizedOutputs(spec, CLOUDS);
  const aws = new Map<string, Json[]>();
  for (const r of Object.values(out.aws?.Resources ?? {}) as Json[]) {
    add(aws, r.Type, { ...r.Properties, ...(r.DeletionPolicy ? { DeletionPolicy: r.DeletionPolicy } : {}) });
  }
  const tf = (json: Json) => {
    const map = new Map<string, Json[]>();
    for (const [type, byId] of Object.entries(json.resource as Record<string, Record<string, Json>>)) {
      for (const body of Object.values(byId)) add(map, type, body);
    }
    return map;
  };
  return { aws, gcp: tf(out.gcp), azure: tf(out.azure) };
}

/** True when `body` has a value at the dotted path (arrays: any element). */
function has(body: Json, parts: readonly string[]): boolean {
  if (parts.length === 0) return body !== undefined && body !== null;
  if (Array.isArray(body)) return body.some((item) => has(item, parts));
  if (typeof body !== 'object' || body === null) return false;
  const [head, ...rest] = parts as [string, ...string[]];
  return head in body && has(body[head], rest);
}

/** True when the schema has the dotted field path (`*` matches any property). */
function inSchema(schema: Json, parts: readonly string[]): boolean {
  if (parts.length === 0) return true;
  const [head, ...rest] = parts as [string, ...string[]];
  const props = schema.properties ?? schema.anyOf?.find((s: Json) => s.properties)?.properties;
  if (!props) return false;
  if (head === '*') return Object.values(props).some((p) => inSchema(p, rest));
  return head in props && inSchema(props[head], rest);
}

const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);

interface Row {
  readonly page: string;
  readonly fields: readonly string[];
  readonly cells: Readonly<Record<Cloud, readonly string[]>>;
}

function rows(): Row[] {
  return fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .flatMap((page) =>
      fs
        .readFileSync(path.join(DIR, page), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('| `'))
        .map((line) => {
          const [field, aws, gcp, azure] = line
            .split('|')
            .slice(1, 5)
            .map((c) => c.trim()) as [string, string, string, string];
          return {
            page,
            fields: codeSpans(field),
            cells: { aws: codeSpans(aws), gcp: codeSpans(gcp), azure: codeSpans(azure) },
          };
        }),
    );
}

describe('docs/reference', () => {
  const all = rows();
  const example = resources(resolved('example'));
  const grown = resources(resolved('example', { cache: { shards: 3 }, database: { shards: 2 } }));

  test('GIVEN the reference pages WHEN read THEN there is one per component, each with rows', () => {
    const pages = new Set(all.map((r) => r.page));
    expect([...pages].sort()).toEqual(
      [
        'cache.md',
        'cdn.md',
        'compute-group.md',
        'database.md',
        'load-balancer.md',
        'monitoring.md',
        'network.md',
      ].sort(),
    );
    expect(all.length).toBeGreaterThanOrEqual(30);
  });

  test('GIVEN every row WHEN its spec fields are looked up THEN each is a field of the spec schema', () => {
    const schema = specJsonSchema();
    const missing = all.flatMap((r) =>
      r.fields.filter((f) => !inSchema(schema, f.split('.'))).map((f) => `${r.page}: ${f}`),
    );
    expect(missing).toEqual([]);
  });

  test('GIVEN every cell WHEN the example spec is synthesized THEN each named resource type has the named attribute', () => {
    const missing: string[] = [];
    for (const r of all) {
      for (const cloud of CLOUDS) {
        for (const span of r.cells[cloud]) {
          const [type, ...attribute] = cloud === 'aws' ? splitAws(span) : span.split('.');
          const found = [example, grown].some((set) =>
            (set[cloud].get(type as string) ?? []).some((b) => has(b, attribute)),
          );
          if (!found) missing.push(`${r.page} ${r.fields.join(', ')} [${cloud}]: ${span}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

/** `AWS::RDS::DBCluster.BackupRetentionPeriod` → the type, then the property path. */
function splitAws(span: string): string[] {
  const m = /^(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)(?:\.(.*))?$/.exec(span);
  if (!m) return [span];
  return [m[1] as string, ...(m[2] ? m[2].split('.') : [])];
}
