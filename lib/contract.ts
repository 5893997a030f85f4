import { ENV_CONTRACT, type EnvContractName } from './constants';

/** Endpoints of one database shard as a cloud reports them (values may be deploy-time tokens). */
export interface ShardEndpoints {
  /** Host of the writer (or of the pooler in front of it). */
  readonly writer: string;
  /** Hosts serving reads: a reader endpoint, or one host per replica; empty = the writer serves reads. */
  readonly readers: readonly string[];
  /** Reference to the credentials of this shard (ARN, secret id, Key Vault secret id). */
  readonly secret: string;
}

/** Read hosts of a shard; a shard without replicas reads from its writer. */
export function readersOf(shard: ShardEndpoints): string[] {
  return shard.readers.length > 0 ? [...shard.readers] : [shard.writer];
}

/**
 * DATABASE_SHARD_MAP: one JSON entry per shard, the same shape on every cloud. Values may be
 * tokens; both CDK and CDKTF resolve tokens embedded in strings, so plain JSON.stringify is safe.
 */
export function shardMapJson(shards: readonly ShardEndpoints[]): string {
  return JSON.stringify(
    shards.map((s, shard) => ({ shard, writer: s.writer, readers: readersOf(s), secret: s.secret })),
  );
}

/** The environment every VM gets and every stack outputs, built from shard 0 and the cache. */
export function environmentContract(input: {
  shards: readonly ShardEndpoints[];
  cacheHost: string;
  cachePort: string;
  cacheSecret: string;
}): Record<EnvContractName, string> {
  const first = input.shards[0];
  if (!first) throw new Error('environmentContract needs at least one shard');
  const env: Record<EnvContractName, string> = {
    DATABASE_WRITER_HOST: first.writer,
    DATABASE_READER_HOSTS: readersOf(first).join(','),
    DATABASE_SECRET: first.secret,
    DATABASE_SHARD_MAP: shardMapJson(input.shards),
    CACHE_HOST: input.cacheHost,
    CACHE_PORT: input.cachePort,
    CACHE_SECRET: input.cacheSecret,
  };
  // Guard against a contract name being added without a value here.
  for (const name of ENV_CONTRACT) if (env[name] === undefined) throw new Error(`missing ${name}`);
  return env;
}
