import type { Cloud } from '../constants';

/*
 * The shape of the dated price tables in this folder. A price is an on-demand list price in the
 * cloud's default region (lib/resolve.ts DEFAULT_REGIONS), in USD, with the public page it comes
 * from. A price that could not be found is an explicit `unavailable` entry with the reason, so
 * the estimate says what it leaves out instead of guessing.
 */

/** What one price is per. */
export type PriceUnit =
  | 'hour'
  | 'vCPU-hour'
  | 'ACU-hour'
  | 'GiB-hour'
  | 'GB-month'
  | 'GB'
  | 'month'
  | 'million requests'
  | 'GB-second'
  | '10k requests'
  | '100k notifications';

/** A list price. */
export interface ListPrice {
  readonly usd: number;
  readonly unit: PriceUnit;
  /** The public pricing page. */
  readonly source: string;
  /** How the number was derived when it is not read off the page as is. */
  readonly note?: string;
}

/** A price the table does not have, and why. */
export interface MissingPrice {
  readonly unavailable: string;
  readonly source: string;
}

export type PriceEntry = ListPrice | MissingPrice;

export interface PriceTable {
  readonly cloud: Cloud;
  readonly region: string;
  /** When the prices were looked up (ISO date). */
  readonly date: string;
  readonly prices: Readonly<Record<string, PriceEntry>>;
}

export const isListPrice = (p: PriceEntry | undefined): p is ListPrice => p !== undefined && 'usd' in p;
