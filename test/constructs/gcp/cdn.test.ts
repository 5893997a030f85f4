import { GcpCdn, pathRuleProblems } from '../../../constructs/gcp/cdn';
import { resolved } from '../../fixtures';
import { type Json, synth } from './helpers';

const APP_BACKEND = {
  name: 'app',
  protocol: 'HTTP',
  loadBalancingScheme: 'EXTERNAL_MANAGED',
  backend: [{ group: 'group-a', balancingMode: 'UTILIZATION', maxUtilization: 0.8 }],
  healthChecks: ['hc'],
};

describe('GcpCdn', () => {
  it('GIVEN an app backend WHEN synthesized alone THEN a CDN backend copies its groups and caches static content', () => {
    let cdn: GcpCdn | undefined;
    const tf = synth((scope) => {
      cdn = new GcpCdn(scope, 'cdn', { spec: resolved('example'), appBackend: APP_BACKEND });
    });
    const [backend] = Object.values(tf.resource.google_compute_backend_service) as Json[];
    expect(backend.name).toBe('shop-api-prd-cdn');
    expect(backend.enable_cdn).toBe(true);
    expect(backend.backend).toEqual([{ group: 'group-a', balancing_mode: 'UTILIZATION', max_utilization: 0.8 }]);
    expect(backend.health_checks).toEqual(['hc']);
    expect(backend.compression_mode).toBe('AUTOMATIC');
    expect(backend.cdn_policy).toMatchObject({
      cache_mode: 'CACHE_ALL_STATIC',
      default_ttl: 3600,
      max_ttl: 86400,
      negative_caching: true,
      cache_key_policy: { include_host: true, include_protocol: true, include_query_string: true },
    });
    expect(cdn?.pathRules[0]?.paths).toEqual(['/static/*', '/images/*']);
  });

  it.each([['/static/*'], ['/*'], ['/favicon.ico'], ['/a/b/c/*']])(
    'GIVEN %s WHEN checked THEN it is a valid path rule',
    (p) => {
      expect(pathRuleProblems([p])).toEqual([]);
    },
  );

  it.each([['/img/*.png'], ['/*/static'], ['/static*'], ['static/*']])(
    'GIVEN %s WHEN checked THEN GCP URL maps cannot express it',
    (p) => {
      expect(pathRuleProblems([p])).toEqual([expect.stringContaining(`"${p}"`)]);
    },
  );

  it('GIVEN overrides WHEN synthesized THEN they apply last', () => {
    const tf = synth((scope) => {
      new GcpCdn(scope, 'cdn', {
        spec: resolved('example'),
        appBackend: APP_BACKEND,
        overrides: {
          backendService: (p) => ({ ...p, cdnPolicy: { ...p.cdnPolicy, cacheMode: 'USE_ORIGIN_HEADERS' } }),
        },
      });
    });
    const [backend] = Object.values(tf.resource.google_compute_backend_service) as Json[];
    expect(backend.cdn_policy.cache_mode).toBe('USE_ORIGIN_HEADERS');
  });
});
