import {
  GcpLoadBalancer,
  type GcpLoadBalancerProps,
  RATE_LIMIT,
  WAF_RULE_SETS,
} from '../../../constructs/gcp/load-balancer';
import type { ResolvedSpec } from '../../../lib/resolve';
import { resolved } from '../../fixtures';
import { type Json, only, resources, synth } from './helpers';

const GROUPS = ['group-a', 'group-b'];

function lb(spec: ResolvedSpec, props: Partial<GcpLoadBalancerProps> = {}): { tf: Json; construct: GcpLoadBalancer } {
  let construct: GcpLoadBalancer | undefined;
  const tf = synth((scope) => {
    construct = new GcpLoadBalancer(scope, 'lb', { spec, instanceGroups: GROUPS, ...props });
  });
  if (!construct) throw new Error('not built');
  return { tf, construct };
}

describe('GcpLoadBalancer', () => {
  describe('GIVEN the dev preset (HTTP only, WAF on, no CDN)', () => {
    const { tf, construct } = lb(resolved('dev'));

    it('WHEN synthesized THEN a global EXTERNAL_MANAGED forwarding rule on port 80 reaches the app URL map', () => {
      const rule = only(tf, 'google_compute_global_forwarding_rule');
      expect(rule).toMatchObject({ port_range: '80', load_balancing_scheme: 'EXTERNAL_MANAGED', ip_protocol: 'TCP' });
      expect(rule.ip_address).toMatch(/google_compute_global_address\.lb_address_/);
      expect(rule.target).toMatch(/google_compute_target_http_proxy\.lb_http-proxy_/);
      expect(only(tf, 'google_compute_target_http_proxy').url_map).toMatch(/google_compute_url_map\.lb_url-map_/);
      expect(resources(tf, 'google_compute_target_https_proxy')).toHaveLength(0);
      expect(resources(tf, 'google_compute_managed_ssl_certificate')).toHaveLength(0);
      expect(construct.url).toMatch(/^http:\/\/\$\{TfToken/);
    });

    it('WHEN synthesized THEN the backend service logs, drains, times out at the idle timeout and checks health', () => {
      const backend = only(tf, 'google_compute_backend_service');
      expect(backend).toMatchObject({
        load_balancing_scheme: 'EXTERNAL_MANAGED',
        protocol: 'HTTP',
        port_name: 'http',
        timeout_sec: 60,
        connection_draining_timeout_sec: 60,
        log_config: { enable: true, sample_rate: 1 },
      });
      expect(backend.enable_cdn).toBeUndefined();
      // Dynamic compression only works on Cloud CDN-enabled backends: nothing to set here.
      expect(backend.compression_mode).toBeUndefined();
      const hc = only(tf, 'google_compute_health_check');
      expect(hc.http_health_check).toEqual({ port: 8080, request_path: '/healthz' });
      expect(hc.log_config).toEqual({ enable: true });
      expect(backend.health_checks).toEqual([expect.stringMatching(/google_compute_health_check\.lb_health-check_/)]);
    });

    it('WHEN synthesized THEN without a request target the groups balance on utilisation', () => {
      const backend = only(tf, 'google_compute_backend_service');
      expect(backend.backend).toEqual(
        GROUPS.map((group) => ({ group, balancing_mode: 'UTILIZATION', max_utilization: 0.8, capacity_scaler: 1 })),
      );
    });

    it('WHEN synthesized THEN Cloud Armor applies every preconfigured WAF rule set before the per-IP throttle', () => {
      const policy = only(tf, 'google_compute_security_policy');
      expect(policy.type).toBe('CLOUD_ARMOR');
      const rules: Json[] = policy.rule;
      const waf = rules.filter((r) => r.match.expr);
      expect(waf.map((r) => r.match.expr.expression)).toEqual([
        ...WAF_RULE_SETS.map((s) => `evaluatePreconfiguredWaf('${s}', {'sensitivity': 1})`),
        "evaluatePreconfiguredExpr('cve-canary')",
      ]);
      expect(waf.map((r) => r.match.expr.expression).join()).toMatch(/sqli-v33-stable.*xss-v33-stable.*lfi.*rce/);
      // Log4Shell (CVE-2021-44228): every cve-canary signature, enforced (not in preview), as checkov's CKV_GCP_73 wants.
      expect(waf.at(-1)).toMatchObject({ action: 'deny(403)', priority: 1090 });
      expect(waf.every((r) => r.preview !== true)).toBe(true);
      for (const r of waf) expect(r.action).toBe('deny(403)');
      const throttle = rules.find((r) => r.action === 'throttle');
      expect(throttle.rate_limit_options).toMatchObject({
        conform_action: 'allow',
        exceed_action: 'deny(429)',
        enforce_on_key: 'IP',
        rate_limit_threshold: { count: RATE_LIMIT.count, interval_sec: RATE_LIMIT.intervalSec },
      });
      // A throttle's conform action ends evaluation: every WAF rule must come first.
      expect(Math.max(...waf.map((r) => r.priority))).toBeLessThan(throttle.priority);
      const last = rules.find((r) => r.priority === 2147483647);
      expect(last.action).toBe('allow');
      expect(only(tf, 'google_compute_backend_service').security_policy).toMatch(
        /google_compute_security_policy\.lb_security-policy_/,
      );
    });
  });

  it('GIVEN waf off WHEN synthesized THEN no security policy is attached', () => {
    const { tf } = lb(resolved('dev', { loadBalancer: { waf: false } }));
    expect(resources(tf, 'google_compute_security_policy')).toHaveLength(0);
    expect(only(tf, 'google_compute_backend_service').security_policy).toBeUndefined();
  });

  it('GIVEN a request target WHEN synthesized THEN both groups balance on RATE at that rate per instance', () => {
    const { tf } = lb(resolved('dev', { compute: { scaling: { targetRequestsPerInstance: 250 } } }));
    for (const b of only(tf, 'google_compute_backend_service').backend) {
      expect(b).toMatchObject({ balancing_mode: 'RATE', max_rate_per_instance: 250 });
    }
  });

  describe('GIVEN https for a domain', () => {
    const spec = resolved('prod', { loadBalancer: { https: { domain: 'api.example.com' }, idleTimeoutSeconds: 120 } });
    const { tf, construct } = lb(spec);

    it('WHEN synthesized THEN a managed certificate, a MODERN TLS 1.2 policy and an HTTPS proxy on 443', () => {
      const cert = only(tf, 'google_compute_managed_ssl_certificate');
      expect(cert.managed).toEqual({ domains: ['api.example.com'] });
      expect(cert.name).toMatch(/^shop-api-prd-cert-[0-9a-f]{6}$/);
      expect(cert.lifecycle).toEqual({ create_before_destroy: true });
      expect(only(tf, 'google_compute_ssl_policy')).toMatchObject({ profile: 'MODERN', min_tls_version: 'TLS_1_2' });
      const proxy = only(tf, 'google_compute_target_https_proxy');
      expect(proxy.ssl_certificates).toEqual([expect.stringMatching(/google_compute_managed_ssl_certificate\./)]);
      expect(proxy.ssl_policy).toMatch(/google_compute_ssl_policy\./);
      const rules = resources(tf, 'google_compute_global_forwarding_rule');
      expect(rules.map((r) => r.port_range).sort()).toEqual(['443', '80']);
      expect(construct.url).toBe('https://api.example.com');
      expect(only(tf, 'google_compute_backend_service').timeout_sec).toBe(120);
    });

    it('WHEN synthesized THEN port 80 only redirects to HTTPS', () => {
      const maps = resources(tf, 'google_compute_url_map');
      const redirect = maps.find((m) => m.default_url_redirect);
      expect(redirect.default_url_redirect).toEqual({
        https_redirect: true,
        redirect_response_code: 'MOVED_PERMANENTLY_DEFAULT',
        strip_query: false,
      });
      expect(only(tf, 'google_compute_target_http_proxy').url_map).toMatch(/lb_redirect-url-map_/);
    });
  });

  it('GIVEN an existing certificate WHEN synthesized THEN no managed certificate is created and the proxy uses it', () => {
    const spec = resolved('prod', {
      loadBalancer: { https: { domain: 'api.example.com', certificate: { gcp: 'my-cert' } } },
    });
    const { tf } = lb(spec);
    expect(resources(tf, 'google_compute_managed_ssl_certificate')).toHaveLength(0);
    expect(only(tf, 'google_compute_target_https_proxy').ssl_certificates).toEqual(['my-cert']);
  });

  describe('GIVEN the CDN on for two cached paths', () => {
    const spec = resolved('example');
    const { tf } = lb(spec);
    const backends = resources(tf, 'google_compute_backend_service');
    const cdn = backends.find((b) => b.enable_cdn);
    const app = backends.find((b) => !b.enable_cdn);

    it('WHEN synthesized THEN a second, CDN-enabled backend serves the same groups, compressing at the edge', () => {
      expect(backends).toHaveLength(2);
      expect(cdn.name).toBe('shop-api-prd-cdn');
      expect(cdn.cdn_policy.cache_mode).toBe('CACHE_ALL_STATIC');
      expect(cdn.compression_mode).toBe('AUTOMATIC');
      // The uncached app backend: compression_mode would be a no-op there (no Cloud CDN).
      expect(app.compression_mode).toBeUndefined();
      expect(cdn.backend).toEqual(app.backend);
      expect(cdn.security_policy).toBe(app.security_policy);
    });

    it('WHEN synthesized THEN the URL map routes the cached paths to it and the rest to the app', () => {
      const map = resources(tf, 'google_compute_url_map').find((m) => m.name === 'shop-api-prd-lb');
      expect(map.default_service).toMatch(/lb_backend_/);
      expect(map.host_rule).toEqual([{ hosts: ['*'], path_matcher: 'cached' }]);
      expect(map.path_matcher[0].path_rule).toEqual([
        { paths: ['/static/*', '/images/*'], service: expect.stringMatching(/lb_cdn_backend_/) },
      ]);
    });
  });

  it('GIVEN a cached path GCP cannot match (used without validation) WHEN built THEN it fails with the field and the reason', () => {
    // validate() refuses such a spec first; this guards the construct used alone with a hand-built spec.
    const base = resolved('prod', { cdn: { enabled: true } });
    const spec = { ...base, cdn: { ...base.cdn, cachedPaths: ['/img/*.png'] } };
    expect(() => lb(spec)).toThrow('cdn.cachedPaths "/img/*.png"');
  });

  it('GIVEN overrides WHEN synthesized THEN they apply last', () => {
    const { tf } = lb(resolved('dev'), {
      overrides: {
        backendService: (p) => ({ ...p, logConfig: { enable: true, sampleRate: 0.1 } }),
        healthCheck: (p) => ({ ...p, checkIntervalSec: 5 }),
      },
    });
    expect(only(tf, 'google_compute_backend_service').log_config.sample_rate).toBe(0.1);
    expect(only(tf, 'google_compute_health_check').check_interval_sec).toBe(5);
  });
});
