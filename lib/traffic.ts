import { z } from 'zod';
import { ASSUMPTIONS, type Assumption, type AssumptionKey } from './assumptions';

/*
 * The traffic a spec is planned for (`blueprint plan`): optional, and only read by the capacity
 * and cost model. Every field documents its unit and default; `assumptions` overrides entries of
 * the per-node capacity table (lib/assumptions.ts) with the user's own measurements.
 */

const positive = (max: number) => z.number().positive().max(max);
const share = () => z.number().min(0).max(1);

/** Defaults of the optional traffic fields (one place: schema docs, plan and tests read them). */
export const TRAFFIC_DEFAULTS = {
  readShare: 0.9,
  cacheHitRatio: 0.8,
  queriesPerRequest: 3,
  requestsPerInstance: 250,
  responseKiB: 8,
} as const;

/** One override per assumption, with the table's unit and default in its description. */
const assumptionShape = Object.fromEntries(
  (Object.keys(ASSUMPTIONS) as AssumptionKey[]).map((key) => {
    const a: Assumption = ASSUMPTIONS[key];
    const base = a.share ? share() : positive(a.max);
    const fallback = a.value === undefined ? 'not checked' : String(a.value);
    return [key, base.optional().describe(`${a.description} (${a.unit}). @default ${fallback}`)];
  }),
) as Record<AssumptionKey, z.ZodOptional<z.ZodNumber>>;

export const trafficSchema = z
  .strictObject({
    peakRequestsPerSecond: positive(10_000_000).describe('Requests per second at the daily peak.'),
    readShare: share()
      .optional()
      .describe(`Share of requests that only read (0-1). @default ${TRAFFIC_DEFAULTS.readShare}`),
    cacheHitRatio: share()
      .optional()
      .describe(`Share of reads the cache answers (0-1). @default ${TRAFFIC_DEFAULTS.cacheHitRatio}`),
    queriesPerRequest: z
      .number()
      .min(0)
      .max(1000)
      .optional()
      .describe(
        `Database queries per request that reaches the database. @default ${TRAFFIC_DEFAULTS.queriesPerRequest}`,
      ),
    requestsPerInstance: positive(1_000_000)
      .optional()
      .describe(
        `Requests per second one instance serves at targetCpuPercent (measure it). @default ${TRAFFIC_DEFAULTS.requestsPerInstance}`,
      ),
    responseKiB: z
      .number()
      .min(0)
      .max(102_400)
      .optional()
      .describe(`Average response size in KiB, for egress and CDN cost. @default ${TRAFFIC_DEFAULTS.responseKiB}`),
    assumptions: z
      .strictObject(assumptionShape)
      .optional()
      .describe('Overrides of the capacity assumptions (lib/assumptions.ts), e.g. from your own load test.'),
  })
  .describe('Traffic to plan capacity and cost for (blueprint plan). @default none');

/** Traffic as written in a spec. */
export type TrafficSpec = z.output<typeof trafficSchema>;

/** Traffic with every default filled, and the assumptions in force. */
export interface ResolvedTraffic {
  readonly peakRequestsPerSecond: number;
  readonly readShare: number;
  readonly cacheHitRatio: number;
  readonly queriesPerRequest: number;
  readonly requestsPerInstance: number;
  readonly responseKiB: number;
  readonly assumptions: Readonly<Record<AssumptionKey, number | undefined>>;
}

/** Fills the defaults of the traffic fields and of every assumption the spec does not override. */
export function resolveTraffic(traffic: TrafficSpec): ResolvedTraffic {
  const assumptions = Object.fromEntries(
    (Object.keys(ASSUMPTIONS) as AssumptionKey[]).map((key) => [
      key,
      traffic.assumptions?.[key] ?? ASSUMPTIONS[key].value,
    ]),
  ) as Record<AssumptionKey, number | undefined>;
  return {
    peakRequestsPerSecond: traffic.peakRequestsPerSecond,
    readShare: traffic.readShare ?? TRAFFIC_DEFAULTS.readShare,
    cacheHitRatio: traffic.cacheHitRatio ?? TRAFFIC_DEFAULTS.cacheHitRatio,
    queriesPerRequest: traffic.queriesPerRequest ?? TRAFFIC_DEFAULTS.queriesPerRequest,
    requestsPerInstance: traffic.requestsPerInstance ?? TRAFFIC_DEFAULTS.requestsPerInstance,
    responseKiB: traffic.responseKiB ?? TRAFFIC_DEFAULTS.responseKiB,
    assumptions,
  };
}
