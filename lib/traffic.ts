import { z } from 'zod';

/*
 * The traffic a spec is planned for (`blueprint plan`): optional, and only read by the capacity
 * and cost model. Every field documents its unit and default.
 */

const positive = (max: number) => z.number().positive().max(max);
const share = () => z.number().min(0).max(1);

export const trafficSchema = z
  .strictObject({
    peakRequestsPerSecond: positive(10_000_000).describe('Requests per second at the daily peak.'),
    readShare: share().optional().describe('Share of requests that only read (0-1). @default 0.9'),
    cacheHitRatio: share().optional().describe('Share of reads the cache answers (0-1). @default 0.8'),
    queriesPerRequest: z
      .number()
      .min(0)
      .max(1000)
      .optional()
      .describe('Database queries per request that reaches the database. @default 3'),
    requestsPerInstance: positive(1_000_000)
      .optional()
      .describe('Requests per second one instance serves at targetCpuPercent (measure it). @default 250'),
    responseKiB: z
      .number()
      .min(0)
      .max(102_400)
      .optional()
      .describe('Average response size in KiB, for egress and CDN cost. @default 8'),
  })
  .describe('Traffic to plan capacity and cost for (blueprint plan). @default none');

/** Traffic as written in a spec. */
export type TrafficSpec = z.output<typeof trafficSchema>;
