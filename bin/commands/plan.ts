import * as path from 'node:path';
import { type Command, Option } from 'commander';
import type { ResolvedSpec } from '../../lib/resolve';
import { type ResolvedTraffic, resolveTraffic, type TrafficSpec, trafficSchema } from '../../lib/traffic';
import { formatPath, formatProblem } from '../../lib/validate';
import { assertWritable, Exit, load, out, problemReport, specOption, writeOutput } from '../cli';

/** The traffic flags, each overriding one field of the spec's `traffic` section. */
const TRAFFIC_FLAGS = [
  ['--peak-rps <n>', 'peakRequestsPerSecond', 'peak requests per second'],
  ['--read-share <0-1>', 'readShare', 'share of requests that only read'],
  ['--cache-hit-ratio <0-1>', 'cacheHitRatio', 'share of reads the cache answers'],
  ['--queries-per-request <n>', 'queriesPerRequest', 'database queries per request that reaches the database'],
  ['--requests-per-instance <n>', 'requestsPerInstance', 'requests/s one instance serves at the CPU target'],
  ['--response-kib <n>', 'responseKiB', 'average response size in KiB'],
] as const;

type Field = (typeof TRAFFIC_FLAGS)[number][1];
type PlanOptions = { spec?: string; format: 'text' | 'json'; chart?: string } & Record<string, string | undefined>;

const flagOf = (field: Field) => (TRAFFIC_FLAGS.find((f) => f[1] === field)?.[0] ?? '').split(' ')[0] ?? '';
/** The key commander stores a flag's value under (--peak-rps → peakRps). */
const keyOf = (flag: string) => new Option(flag).attributeName();

/** The spec's traffic with the flags applied, checked by the same schema as the spec. */
function trafficFrom(spec: ResolvedSpec, opts: PlanOptions, file: string): ResolvedTraffic | undefined {
  const overrides: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [flag, field] of TRAFFIC_FLAGS) {
    const raw = opts[keyOf(flag)];
    if (raw === undefined) continue;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) {
      problems.push(`traffic.${field} (${flagOf(field)}): must be a number (given ${JSON.stringify(raw)})`);
    } else overrides[field] = value;
  }
  if (problems.length > 0) throw new Exit(1, problemReport(file, problems, 'invalid plan flags'));
  if (!spec.traffic && Object.keys(overrides).length === 0) return undefined;
  const parsed = trafficSchema.safeParse({ ...spec.traffic, ...overrides });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const field = String(i.path[0] ?? '') as Field;
      const flag = field in overrides ? ` (${flagOf(field)})` : '';
      const given =
        i.path.length > 0
          ? (overrides[field] ?? (spec.traffic as Record<string, unknown> | undefined)?.[field])
          : undefined;
      const message =
        i.code === 'invalid_type' && given === undefined
          ? 'required (set it in the spec or pass --peak-rps)'
          : i.message;
      return formatProblem({ path: `traffic.${formatPath(i.path)}${flag}`, message, given });
    });
    throw new Exit(1, problemReport(file, lines, 'invalid traffic'));
  }
  return resolveTraffic(parsed.data as TrafficSpec);
}

/** Refuses a --chart target that is not an .svg file or cannot be written, before the plan is made. */
function assertChartTarget(file: string): void {
  if (path.extname(file).toLowerCase() !== '.svg') throw new Exit(1, `--chart ${file}: must end in .svg`);
  assertWritable('--chart', file);
}

export function registerPlan(cli: Command): void {
  const command = cli
    .command('plan')
    .description('resolved sizes and counts per cloud; with traffic: capacity per tier, headroom, monthly cost')
    .addOption(specOption())
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--chart <file.svg>', 'write a chart of each tier against traffic'));
  for (const [flag, field, description] of TRAFFIC_FLAGS) {
    command.addOption(new Option(flag, `${description} (overrides traffic.${field})`));
  }
  command.action((opts: PlanOptions) => {
    const { spec, file } = load(opts.spec);
    const traffic = trafficFrom(spec, opts, file);
    if (opts.chart !== undefined) {
      if (!traffic) throw new Exit(1, `--chart needs traffic: add a traffic section to ${file} or pass --peak-rps`);
      assertChartTarget(opts.chart);
    }
    // The capacity and cost models load on use, as the other commands' engines do.
    const { planReport, renderPlan } = require('../../lib/plan') as typeof import('../../lib/plan');
    if (opts.chart !== undefined && traffic) {
      const { capacityChart } = require('../../lib/chart') as typeof import('../../lib/chart');
      writeOutput('--chart', opts.chart, capacityChart(spec, planReport(spec, traffic)));
    }
    out(opts.format === 'json' ? JSON.stringify(planReport(spec, traffic), null, 2) : renderPlan(spec, traffic));
  });
}
