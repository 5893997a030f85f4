import {
  ComputeBackendService,
  type ComputeBackendServiceConfig,
} from '@cdktf/provider-google/lib/compute-backend-service';
import type { ComputeUrlMapPathMatcherPathRule } from '@cdktf/provider-google/lib/compute-url-map';
import { Construct } from 'constructs';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';

/**
 * Checks that cached paths are URL-map path patterns: a leading "/", and "*" only as the last
 * character right after a "/" (what GCP path rules accept). Returns the problems found.
 */
export function pathRuleProblems(paths: readonly string[]): string[] {
  return paths
    .filter((p) => !p.startsWith('/') || (p.includes('*') && !/^\/[^*]*\/\*$|^\/\*$/.test(p)))
    .map((p) => `cdn.cachedPaths "${p}": GCP URL maps accept "*" only as the last character, after "/"`);
}

export interface GcpCdnProps {
  /** The resolved spec: cachedPaths, names, idle timeout. */
  readonly spec: ResolvedSpec;
  /**
   * The app backend service's configuration; the CDN backend serves the same instance groups
   * with the same balancing (GCP requires one balancing mode per instance group).
   */
  readonly appBackend: ComputeBackendServiceConfig;
  /** Per-resource overrides, applied last. @default none */
  readonly overrides?: {
    /** The CDN-enabled backend service. */
    readonly backendService?: Override<ComputeBackendServiceConfig>;
  };
}

/**
 * Cloud CDN for `cdn.cachedPaths`. Cloud CDN is a property of a backend service, so a second,
 * CDN-enabled backend service serves the cached paths (the URL map routes them to it) and the
 * app backend keeps serving everything else uncached. Cache mode CACHE_ALL_STATIC caches static
 * content types and anything the origin marks cacheable, and never what it marks private /
 * no-store; responses are compressed at the edge.
 */
export class GcpCdn extends Construct {
  public readonly backendService: ComputeBackendService;
  /** URL-map path rules sending the cached paths to the CDN backend. */
  public readonly pathRules: ComputeUrlMapPathMatcherPathRule[];

  constructor(scope: Construct, id: string, props: GcpCdnProps) {
    super(scope, id);
    const { spec } = props;
    const problems = pathRuleProblems(spec.cdn.cachedPaths);
    if (problems.length > 0) throw new Error(problems.join('\n'));

    this.backendService = new ComputeBackendService(
      this,
      'backend',
      applyOverride<ComputeBackendServiceConfig>(
        {
          ...props.appBackend,
          name: spec.names.of('gcpResource', '-cdn'),
          description: `Cached paths of ${spec.names.base}: ${spec.cdn.cachedPaths.join(', ')}`,
          enableCdn: true,
          compressionMode: 'AUTOMATIC',
          cdnPolicy: {
            cacheMode: 'CACHE_ALL_STATIC',
            defaultTtl: 3600,
            clientTtl: 3600,
            maxTtl: 86400,
            serveWhileStale: 86400,
            negativeCaching: true,
            requestCoalescing: true,
            signedUrlCacheMaxAgeSec: 0,
            cacheKeyPolicy: { includeHost: true, includeProtocol: true, includeQueryString: true },
          },
        },
        props.overrides?.backendService,
      ),
    );
    this.pathRules = [{ paths: [...spec.cdn.cachedPaths], service: this.backendService.id }];
  }
}
