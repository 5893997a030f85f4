import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLOUDS, type Cloud } from '../../lib/constants';
import type { Template, TerraformJson } from '../support/outputs';
import { bugsFor, KNOWN_BUGS } from './bugs';
import { neutralSummary } from './expected';
import { extractAws } from './extract-aws';
import { extractAzure } from './extract-azure';
import { extractGcp } from './extract-gcp';
import { gapMarker, gapsFor, PARITY_GAPS } from './gaps';
import { PARITY_DOC, README_SECTION } from './generate';
import { parityMatrix } from './matrix';
import { FIELD_LABELS, readmeParity, renderParityDoc } from './report';
import { type MatrixResult, runMatrix } from './run';
import { type CapabilitySummary, fieldAt, isMarker, leaves } from './summary';

/*
 * Cross-cloud parity: every matrix spec is synthesized once for all three clouds (beforeAll),
 * read back from the JSON into a capability summary per cloud, and compared with what the
 * spec asks.
 */

const ROOT = path.join(__dirname, '..', '..');
const matrix = parityMatrix();
let results: MatrixResult[] = [];

beforeAll(() => {
  results = runMatrix(matrix);
});

const resultOf = (id: string): MatrixResult => {
  const r = results.find((x) => x.entry.id === id);
  if (!r) throw new Error(`no result for ${id}`);
  return r;
};

/** The summary with the fields of known bugs blanked, so the rest is compared strictly. */
function withoutBugFields(summary: CapabilitySummary, fields: readonly string[]): unknown {
  const copy = structuredClone(summary) as unknown as Record<string, Record<string, unknown>>;
  for (const field of fields) {
    const [group, key] = field.split('.') as [string, string];
    if (copy[group]) copy[group][key] = '(known bug, checked separately)';
  }
  return copy;
}

describe('the matrix', () => {
  test('covers every preset, the example, shards 1 and 4, replicas 0/1/3, CDN, WAF and HTTPS on and off, Spot 0 and 50', () => {
    const specs = matrix.map((m) => m.spec);
    const values = <T>(f: (s: (typeof specs)[number]) => T) => new Set(specs.map(f));
    expect(values((s) => s.environment)).toEqual(new Set(['dev', 'staging', 'prod']));
    expect(matrix.some((m) => m.id === 'example')).toBe(true);
    for (const n of [1, 4]) {
      expect(values((s) => s.database.shards.length)).toContain(n);
      expect(values((s) => s.cache.shards)).toContain(n);
    }
    for (const n of [0, 1, 3]) expect(values((s) => s.database.readReplicas)).toContain(n);
    expect(values((s) => s.cdn.enabled)).toEqual(new Set([true, false]));
    expect(values((s) => s.loadBalancer.waf)).toEqual(new Set([true, false]));
    expect(values((s) => s.loadBalancer.https !== undefined)).toEqual(new Set([true, false]));
    expect(values((s) => s.compute.spot.percent)).toContain(0);
    expect(values((s) => s.compute.spot.percent)).toContain(50);
    expect(matrix.length).toBeGreaterThanOrEqual(8);
  });
});

describe.each(matrix.map((m) => [m.id, m] as const))('%s', (id, entry) => {
  test.each(CLOUDS)('%s: the summary read from the output equals what the spec asks', (cloud) => {
    const r = resultOf(id);
    const bugFields = bugsFor(cloud, entry.spec).map((b) => b.field);
    expect(withoutBugFields(r.actual[cloud], bugFields)).toEqual(withoutBugFields(r.expected[cloud], bugFields));
  });
});

describe('known bugs (expected failures until fixed in the back end)', () => {
  const cases = matrix.flatMap((m) =>
    CLOUDS.flatMap((cloud) => bugsFor(cloud, m.spec).map((bug) => ({ bug, cloud, id: m.id }))),
  );
  for (const { bug, cloud, id } of cases) {
    test.failing(`${bug.id}: ${id} on ${cloud}: ${bug.field} is what the spec asks`, () => {
      const r = resultOf(id);
      expect(fieldAt(r.actual[cloud], bug.field)).toEqual(fieldAt(r.expected[cloud], bug.field));
    });
  }

  test('every known bug shows in at least one matrix spec', () => {
    for (const bug of KNOWN_BUGS) expect(cases.some((c) => c.bug === bug)).toBe(true);
  });
});

describe('no silent gaps', () => {
  test('every summary has exactly the fields of the expected one, none undefined', () => {
    for (const r of results) {
      for (const cloud of CLOUDS) {
        const actual = leaves(r.actual[cloud]);
        expect(actual.filter(([, v]) => v === undefined).map(([p]) => `${r.entry.id}/${cloud}: ${p}`)).toEqual([]);
        expect(actual.map(([p]) => p).sort()).toEqual(
          leaves(r.expected[cloud])
            .map(([p]) => p)
            .sort(),
        );
      }
    }
  });

  test('the table rows list every summary field once', () => {
    const fields = leaves(resultOf('example').expected.aws).map(([p]) => p);
    expect(FIELD_LABELS.map(([f]) => f).sort()).toEqual([...fields].sort());
    expect(new Set(FIELD_LABELS.map(([, l]) => l)).size).toBe(FIELD_LABELS.length);
  });

  test('a marker appears only where the gap table lists it for that cloud', () => {
    for (const r of results) {
      for (const cloud of CLOUDS) {
        for (const [field, value] of leaves(r.actual[cloud])) {
          if (isMarker(value)) expect(value).toEqual(gapMarker(cloud, field));
        }
      }
    }
  });

  test('every gap applies to a matrix spec, and every "differs" gap changes a value there', () => {
    for (const gap of PARITY_GAPS) {
      const applies = matrix.filter((m) => gapsFor(gap.cloud, m.spec).includes(gap));
      expect(`${gap.cloud} ${gap.field}: ${applies.length > 0}`).toBe(`${gap.cloud} ${gap.field}: true`);
      if (gap.kind === 'differs') {
        const changes = applies.some(
          (m) =>
            JSON.stringify(fieldAt(neutralSummary(m.spec, gap.cloud), gap.field)) !==
            JSON.stringify(gap.expected?.(m.spec)),
        );
        expect(`${gap.cloud} ${gap.field} changes a value: ${changes}`).toBe(
          `${gap.cloud} ${gap.field} changes a value: true`,
        );
      }
      if (gap.kind === 'notExpressible' || gap.kind === 'platform') {
        const shown = results.some(
          (r) => gapsFor(gap.cloud, r.entry.spec).includes(gap) && isMarker(fieldAt(r.actual[gap.cloud], gap.field)),
        );
        expect(`${gap.cloud} ${gap.field} shown: ${shown}`).toBe(`${gap.cloud} ${gap.field} shown: true`);
      }
    }
  });
});

/*
 * The extractors must read the output: change one thing in a synthesized file and the summary
 * must change with it (a summary copied from the spec would not).
 */
describe('extractors follow the synthesized output', () => {
  const aws = () => structuredClone(resultOf('example').output.aws) as Template;
  const gcp = () => structuredClone(resultOf('example').output.gcp) as TerraformJson;
  const azure = () => structuredClone(resultOf('example').output.azure) as TerraformJson;
  const cfn = (t: Template, type: string) =>
    Object.entries(t.Resources).filter(([, r]) => r.Type === type) as Array<
      [string, { Properties: Record<string, unknown> }]
    >;
  const tf = (t: TerraformJson, type: string) => Object.entries(t.resource[type] ?? {});

  test('AWS: redirect, alarms, public database, deletion protection and VM env come from the template', () => {
    const t = aws();
    for (const [, l] of cfn(t, 'AWS::ElasticLoadBalancingV2::Listener')) {
      if (l.Properties.Port === 80) l.Properties.DefaultActions = [{ Type: 'fixed-response' }];
    }
    const [hitRatio] = Object.entries(t.Resources).find(([id]) => id.startsWith('MonitoringCacheHitRatio')) ?? [];
    if (hitRatio) delete t.Resources[hitRatio];
    const [, reader] = cfn(t, 'AWS::RDS::DBInstance')[1] ?? [];
    if (reader) reader.Properties.PubliclyAccessible = true;
    for (const [, c] of cfn(t, 'AWS::RDS::DBCluster')) delete c.Properties.DeletionProtection;
    for (const [, lt] of cfn(t, 'AWS::EC2::LaunchTemplate')) {
      const data = lt.Properties.LaunchTemplateData as {
        UserData: { 'Fn::Base64': { 'Fn::Join': [string, unknown[]] } };
      };
      const parts = data.UserData['Fn::Base64']['Fn::Join'][1];
      data.UserData['Fn::Base64']['Fn::Join'][1] = parts.map((p) =>
        typeof p === 'string' ? p.replace(/(\n\s*)CACHE_SECRET=/, '$1X_CACHE_SECRET=') : p,
      );
    }
    const s = extractAws(t);
    expect(s.loadBalancer.httpsRedirect).toBe(false);
    expect(s.alarms.signals).not.toContain('cache-hit-ratio');
    expect(s.database.privateOnly).toBe(false);
    expect(s.database.deletionProtection).toBe(false);
    expect(s.contract.vmEnv).not.toContain('CACHE_SECRET');
  });

  test('GCP: public IP, replicas, alerts and TLS policy come from cdk.tf.json', () => {
    const t = gcp();
    const sql = tf(t, 'google_sql_database_instance');
    const replicas = sql.filter(([, r]) => r.master_instance_name !== undefined);
    const [lastReplica] = replicas[replicas.length - 1] ?? [];
    if (lastReplica) delete t.resource.google_sql_database_instance?.[lastReplica];
    const [, primary] = sql.find(([, r]) => r.master_instance_name === undefined) ?? [];
    const settings = (primary?.settings ?? {}) as Record<string, Record<string, unknown>>;
    settings.ip_configuration = { ...settings.ip_configuration, ipv4_enabled: true };
    for (const [name] of tf(t, 'google_monitoring_alert_policy')) {
      if (name.includes('db-cpu')) delete t.resource.google_monitoring_alert_policy?.[name];
    }
    for (const [, p] of tf(t, 'google_compute_ssl_policy')) p.min_tls_version = 'TLS_1_0';
    const s = extractGcp(t);
    expect(s.database.privateOnly).toBe(false);
    expect(s.database.replicasPerShard).toEqual([1]);
    expect(s.alarms.signals).not.toContain('db-cpu');
    expect(s.alarms.shardsWatched).toBe(0);
    expect(s.loadBalancer.tls12Plus).toBe(false);
  });

  test('Azure: cache access, pooling, TLS setting and VM env come from cdk.tf.json', () => {
    const t = azure();
    for (const [, r] of tf(t, 'azurerm_managed_redis')) r.public_network_access = 'Enabled';
    for (const [name, c] of tf(t, 'azurerm_postgresql_flexible_server_configuration')) {
      if (c.name === 'pgbouncer.enabled') delete t.resource.azurerm_postgresql_flexible_server_configuration?.[name];
    }
    const [[serverAddress]] = tf(t, 'azurerm_postgresql_flexible_server').filter(
      ([, s]) => s.create_mode !== 'Replica',
    );
    const configs = t.resource.azurerm_postgresql_flexible_server_configuration ?? {};
    t.resource.azurerm_postgresql_flexible_server_configuration = configs;
    configs.tls = {
      name: 'require_secure_transport',
      value: 'OFF',
      server_id: `\${azurerm_postgresql_flexible_server.${serverAddress}.id}`,
    };
    for (const [, vmss] of tf(t, 'azurerm_linux_virtual_machine_scale_set')) {
      vmss.custom_data = String(vmss.custom_data).replace('DATABASE_SHARD_MAP=', 'X_DATABASE_SHARD_MAP=');
    }
    const s = extractAzure(t);
    expect(s.cache.privateOnly).toBe(false);
    expect(s.database.connectionPooling).toBe(false);
    expect(s.database.tlsRequired).toBe(false);
    expect(s.contract.vmEnv).not.toContain('DATABASE_SHARD_MAP');
    expect(s.contract.shardMapEntries.vm).toBe(-1);
  });

  test('every cloud reads a different summary for a different spec', () => {
    for (const cloud of CLOUDS as readonly Cloud[]) {
      expect(resultOf('dev').actual[cloud]).not.toEqual(resultOf('sharded').actual[cloud]);
      expect(resultOf('sharded').actual[cloud].database.shards).toBe(4);
    }
  });
});

describe('documents', () => {
  test(`${PARITY_DOC} is current (regenerate with \`npm run parity\`)`, () => {
    const committed = fs.readFileSync(path.join(ROOT, PARITY_DOC), 'utf8');
    expect(committed).toBe(renderParityDoc(results));
  });

  test(`${README_SECTION} carries the current parity table`, () => {
    const committed = fs.readFileSync(path.join(ROOT, README_SECTION), 'utf8');
    expect(committed).toContain(readmeParity(results));
  });

  test('README.md carries the current parity table', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(readmeParity(results));
  });
});
