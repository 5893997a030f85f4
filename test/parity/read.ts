import { parse as parseYaml } from 'yaml';
import { ENV_FILE } from '../../lib/boot';
import { ALARM_SIGNALS, type AlarmSignal, type Cloud, ENV_CONTRACT, OUTPUT_NAMES, SIZES } from '../../lib/constants';
import type { SizedType } from '../../lib/sizes';

/*
 * Helpers shared by the three extractors: reading boot scripts, references and lists out of
 * synthesized JSON. Nothing here knows a construct.
 */

/** A loosely typed JSON object. */
export type Json = Record<string, unknown>;

export const asObj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
export const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
export const asNum = (v: unknown): number =>
  typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;

/**
 * The environment file a boot document writes: the quoted here-document of the shell variant
 * or the write_files entry of the cloud-config variant (lib/boot.ts). Values are as rendered
 * (deploy-time tokens already replaced by the placeholder).
 */
export function envFromBoot(text: string): Record<string, string> {
  let body: string | undefined;
  if (text.startsWith('#cloud-config')) {
    const doc = asObj(parseYaml(text));
    const file = asArr(doc.write_files)
      .map(asObj)
      .find((f) => f.path === ENV_FILE);
    body = typeof file?.content === 'string' ? file.content : undefined;
  } else {
    const m = new RegExp(`cat > ${ENV_FILE} <<'(\\w+)'\\n([\\s\\S]*?)\\n\\1\\n`).exec(text);
    body = m?.[2];
  }
  if (body === undefined) throw new Error(`no ${ENV_FILE} in the boot document:\n${text.slice(0, 400)}`);
  const env: Record<string, string> = {};
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`not KEY=VALUE in ${ENV_FILE}: ${line}`);
    env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

/** Names on every one of the VM groups' environments. */
function onEvery(envs: readonly Record<string, string>[]): Set<string> {
  const [first, ...rest] = envs;
  if (!first) return new Set();
  return new Set(Object.keys(first).filter((k) => rest.every((e) => k in e)));
}

/** Entries of a DATABASE_SHARD_MAP value (tokens rendered as placeholders); -1 when unreadable. */
export function shardMapEntries(value: string | undefined): number {
  if (value === undefined) return -1;
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? parsed.length : -1;
  } catch {
    return -1;
  }
}

/** The contract part of a summary, from the VM groups' environments and the stack outputs. */
export function contractSummary(
  envs: readonly Record<string, string>[],
  outputs: Readonly<Record<string, string>>,
): {
  vmEnv: string[];
  otherEnv: string[];
  outputs: string[];
  shardMapEntries: { vm: number; output: number };
} {
  const common = onEvery(envs);
  const contract = new Set<string>(ENV_CONTRACT);
  const vmMaps = envs.map((e) => shardMapEntries(e.DATABASE_SHARD_MAP));
  return {
    vmEnv: ENV_CONTRACT.filter((n) => common.has(n)),
    otherEnv: [...common].filter((n) => !contract.has(n)).sort(),
    outputs: OUTPUT_NAMES.filter((n) => n in outputs),
    // Every group must hand out the same map; a disagreement shows as -1.
    shardMapEntries: {
      vm: envs.length > 0 && vmMaps.every((n) => n === vmMaps[0]) ? (vmMaps[0] as number) : -1,
      output: shardMapEntries(outputs.DATABASE_SHARD_MAP),
    },
  };
}

/** Signals in ALARM_SIGNALS order. */
export const inSignalOrder = (signals: Iterable<AlarmSignal>): AlarmSignal[] => {
  const set = new Set(signals);
  return ALARM_SIGNALS.filter((s) => set.has(s));
};

/** Shard index from a name ending in "-s<n>" (optionally followed by more), else 0. */
export function shardOfName(name: string): number {
  const m = /-s(\d+)(-r\d+)?$/.exec(name);
  return m ? Number(m[1]) : 0;
}

/** The same value on every element, or undefined when they differ or there are none. */
export function same<T>(values: readonly T[]): T | undefined {
  const [first] = values;
  return values.length > 0 && values.every((v) => JSON.stringify(v) === JSON.stringify(first)) ? first : undefined;
}

/**
 * The neutral size whose entry in a size table has this cloud type (`type`, or a GCP cache's
 * `clusterType`); the type itself when the table does not have it.
 */
export function sizeName(
  table: Readonly<Record<string, Readonly<Record<Cloud, SizedType & { clusterType?: string }>>>>,
  cloud: Cloud,
  type: unknown,
): string {
  const found = SIZES.find((s) => {
    const entry = table[s]?.[cloud];
    return entry !== undefined && (entry.type === String(type) || entry.clusterType === String(type));
  });
  return found ?? String(type);
}

/** PostgreSQL major version in an engine version string: "16.13", "POSTGRES_16", "16". */
export function postgresMajor(v: unknown): string {
  return /(\d+)/.exec(String(v))?.[1] ?? String(v);
}
