import { ALARM_SIGNALS, CLOUD_LABEL, CLOUDS, type Cloud, ENV_CONTRACT, OUTPUT_NAMES } from '../../lib/constants';
import { bugsFor, KNOWN_BUGS } from './bugs';
import { type GapEntry, gapId, PARITY_GAPS } from './gaps';
import type { MatrixResult } from './run';
import { fieldAt, type GroupBounds, isMarker } from './summary';

/*
 * Markdown rendering of the parity matrix (docs/parity.md and the README section). Pure
 * functions of the matrix results: the same output gives the same text, byte for byte.
 */

/** Every summary field, in table order, with its row label. A test keeps this complete. */
export const FIELD_LABELS: ReadonlyArray<readonly [string, string]> = [
  ['loadBalancer.present', 'Load balancer'],
  ['loadBalancer.https', 'HTTPS listener'],
  ['loadBalancer.httpsRedirect', 'HTTP → HTTPS redirect (301)'],
  ['loadBalancer.tls12Plus', 'TLS ≥ 1.2'],
  ['loadBalancer.healthCheck', 'Health check'],
  ['loadBalancer.idleTimeoutSeconds', 'Idle timeout (s)'],
  ['waf.enabled', 'WAF (managed rules)'],
  ['waf.rateLimit', 'WAF rate limit per client'],
  ['cdn.enabled', 'CDN'],
  ['cdn.compression', 'CDN compression'],
  ['cdn.cachedPaths', 'CDN cached paths'],
  ['cdn.originLocked', 'Origin only reachable through the CDN'],
  ['compute.min', 'Instances min'],
  ['compute.max', 'Instances max'],
  ['compute.onDemandMin', 'On-demand floor'],
  ['compute.spot.percent', 'Spot % (one mixed group)'],
  ['compute.spot.groups', 'Spot as a second group'],
  ['compute.scalesOn', 'Scales on'],
  ['compute.noDesiredCount', 'No desired count'],
  ['compute.zones', 'Zones'],
  ['sizes.compute', 'Compute size'],
  ['sizes.cache', 'Cache size'],
  ['sizes.database', 'Database size'],
  ['cache.shards', 'Cache shards'],
  ['cache.replicasPerShard', 'Cache replicas per shard'],
  ['cache.clustered', 'Cache cluster mode'],
  ['cache.highAvailability', 'Cache automatic failover'],
  ['cache.tls', 'Cache TLS'],
  ['cache.auth', 'Cache auth'],
  ['cache.encryptedAtRest', 'Cache encrypted at rest'],
  ['cache.privateOnly', 'Cache private only'],
  ['database.engineVersion', 'PostgreSQL version'],
  ['database.shards', 'Database shards (primaries)'],
  ['database.replicasPerShard', 'Read replicas per shard'],
  ['database.highAvailability', 'Database HA (standby in another zone)'],
  ['database.encryptedAtRest', 'Database encrypted at rest'],
  ['database.tlsRequired', 'Database TLS required'],
  ['database.privateOnly', 'Database private only'],
  ['database.backupRetentionDays', 'Backup retention (days)'],
  ['database.deletionProtection', 'Deletion protection'],
  ['database.replicasRemovable', 'Read replicas removable (scale in)'],
  ['database.connectionPooling', 'Connection pooling'],
  ['alarms.signals', 'Alarm signals covered'],
  ['alarms.shardsWatched', 'Shards fully watched'],
  ['alarms.everyGroupWatched', 'Every group watched at max'],
  ['alarms.notifies', 'Alarms notify'],
  ['contract.vmEnv', 'Contract in VM environment'],
  ['contract.otherEnv', 'Other VM environment'],
  ['contract.outputs', 'Stack outputs'],
  ['contract.shardMapEntries', 'Shard map entries (VM / output)'],
];

const isBounds = (v: unknown): v is GroupBounds =>
  typeof v === 'object' && v !== null && 'min' in v && 'max' in v && Object.keys(v).length === 2;

/** One value as table text (markers are shown by the caller with their gap id). */
export function formatValue(field: string, v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number' || typeof v === 'string') return String(v);
  if (field === 'alarms.signals') {
    const list = v as readonly string[];
    const missing = ALARM_SIGNALS.filter((s) => !list.includes(s));
    return missing.length === 0
      ? `all ${ALARM_SIGNALS.length}`
      : `${list.length}/${ALARM_SIGNALS.length} (no ${missing.join(', ')})`;
  }
  if (field === 'contract.vmEnv' || field === 'contract.outputs') {
    const all: readonly string[] = field === 'contract.vmEnv' ? ENV_CONTRACT : OUTPUT_NAMES;
    const list = v as readonly string[];
    const missing = all.filter((n) => !list.includes(n));
    return missing.length === 0 ? `all ${all.length}` : `${list.length}/${all.length} (no ${missing.join(', ')})`;
  }
  if (Array.isArray(v)) return v.length === 0 ? '–' : v.join(field === 'cdn.cachedPaths' ? ' ' : ', ');
  if (field === 'compute.spot.groups') {
    const g = v as { onDemand: GroupBounds; spot: GroupBounds };
    return `${g.onDemand.min}–${g.onDemand.max} + Spot ${g.spot.min}–${g.spot.max}`;
  }
  if (field === 'contract.shardMapEntries') {
    const m = v as { vm: number; output: number };
    return `${m.vm} / ${m.output}`;
  }
  if (isBounds(v)) return `${v.min}–${v.max}`;
  return JSON.stringify(v);
}

/** The text of one cloud's cell: the value, and known bugs that show there. */
function cloudCell(result: MatrixResult, cloud: Cloud, field: string): string {
  const value = fieldAt(result.actual[cloud], field);
  const bugs = bugsFor(cloud, result.entry.spec).filter((b) => b.field === field);
  const text = isMarker(value) ? ('notExpressible' in value ? 'n/e' : 'always') : formatValue(field, value);
  return bugs.length > 0 ? `${text} ${bugs.map((b) => `✗${b.id}`).join(' ')}` : text;
}

/** A cell for all three clouds: one value when they agree, else one line per cloud. */
function cell(result: MatrixResult, field: string): string {
  const texts = CLOUDS.map((c) => cloudCell(result, c, field));
  if (texts.every((t) => t === texts[0])) return escapeCell(texts[0] as string);
  return CLOUDS.map((c, i) => `${CLOUD_LABEL[c]}: ${escapeCell(texts[i] as string)}`).join('<br>');
}

/** The gap ids of one row, per cloud ("GCP G6, Azure G14"). */
function rowGaps(field: string): string {
  const ids = CLOUDS.flatMap((c) => {
    const gaps = PARITY_GAPS.filter((g) => g.cloud === c && g.field === field);
    return gaps.length > 0 ? [`${CLOUD_LABEL[c]} ${gaps.map(gapId).join(' ')}`] : [];
  });
  return ids.length > 0 ? ids.join(', ') : '';
}

const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\*/g, '\\*');

/** The matrix table: capabilities × specs. */
export function matrixTable(results: readonly MatrixResult[]): string {
  const header = `| capability | ${results.map((r) => `\`${r.entry.id}\``).join(' | ')} | gaps |`;
  const rule = `|---|${results.map(() => '---').join('|')}|---|`;
  const rows = FIELD_LABELS.map(
    ([field, label]) => `| ${label} | ${results.map((r) => cell(r, field)).join(' | ')} | ${rowGaps(field)} |`,
  );
  return [header, rule, ...rows].join('\n');
}

/** The spec list: id and what it exercises. */
export function specTable(results: readonly MatrixResult[]): string {
  return [
    '| spec | what it exercises |',
    '|---|---|',
    ...results.map((r) => `| \`${r.entry.id}\` | ${escapeCell(r.entry.description)} |`),
  ].join('\n');
}

const KIND_TEXT: Record<GapEntry['kind'], string> = {
  notExpressible: 'not expressible (n/e)',
  platform: 'always on by the platform',
  differs: 'expressed differently',
  note: 'note',
};

/** Every gap of the table, with its id and reason. */
export function gapTable(): string {
  return [
    '| id | cloud | capability | kind | reason |',
    '|---|---|---|---|---|',
    ...PARITY_GAPS.map((g) => {
      const label = FIELD_LABELS.find(([f]) => f === g.field)?.[1] ?? g.field;
      return `| ${gapId(g)} | ${CLOUD_LABEL[g.cloud]} | ${label} | ${KIND_TEXT[g.kind]} | ${escapeCell(g.reason)} |`;
    }),
  ].join('\n');
}

/** Known bugs, or a line saying there are none. */
export function bugList(): string {
  if (KNOWN_BUGS.length === 0) return 'None.';
  return KNOWN_BUGS.map(
    (b) =>
      `- **${b.id}** (${CLOUD_LABEL[b.cloud]}, ${FIELD_LABELS.find(([f]) => f === b.field)?.[1] ?? b.field}): ${b.description}`,
  ).join('\n');
}

/** docs/parity.md. */
export function renderParityDoc(results: readonly MatrixResult[]): string {
  return [
    '# Cross-cloud parity',
    '',
    '<!-- Generated by `npm run parity` (scripts/parity.ts). Do not edit: test/parity/parity.test.ts fails when this file is stale. -->',
    '',
    'Each spec below is validated and resolved like a user spec, synthesized for AWS, GCP and Azure',
    "through the same code path as `blueprint synth`, and each cloud's output (the CloudFormation",
    'template, the two `cdk.tf.json` files) is read back into a cloud-neutral capability summary',
    '(`test/parity/extract-*.ts`, reading only the JSON). `test/parity/parity.test.ts` asserts that',
    "every summary equals what the spec asks (`test/parity/expected.ts`), with each cloud's gaps",
    'taken from one table (`test/parity/gaps.ts`).',
    '',
    '## Specs',
    '',
    specTable(results),
    '',
    '## Matrix',
    '',
    'One value when AWS, GCP and Azure agree, else one line per cloud. `n/e` = the cloud cannot',
    'express it, `always` = the platform does it with nothing to configure, `✗Bn` = a known bug;',
    'the last column names the gaps (table below) that explain a row.',
    '',
    matrixTable(results),
    '',
    '## Parity gaps',
    '',
    gapTable(),
    '',
    '## Known bugs',
    '',
    'Deviations the suite found in a back end (the cloud could do it; the stack does not). Each runs',
    'as an expected failure until it is fixed.',
    '',
    bugList(),
    '',
  ].join('\n');
}

/** The parity part of the README section. */
export function readmeParity(results: readonly MatrixResult[]): string {
  return [
    '## Parity across clouds',
    '',
    'The parity suite (`test/parity/`) synthesizes a matrix of specs on all three clouds and reads',
    'each output back into the same capability summary; the test asserts every summary equals what',
    'the spec asks. One value per cell when the clouds agree. `n/e` = not expressible on that cloud,',
    '`always` = done by the platform; `Gn` / `✗Bn` refer to the gaps (each with its reason) and known',
    'bugs in [docs/parity.md](docs/parity.md) (regenerate with `npm run parity`).',
    '',
    specTable(results),
    '',
    matrixTable(results),
  ].join('\n');
}
