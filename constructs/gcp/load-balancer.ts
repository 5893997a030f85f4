import { createHash } from 'node:crypto';
import {
  ComputeBackendService,
  type ComputeBackendServiceConfig,
} from '@cdktf/provider-google/lib/compute-backend-service';
import {
  ComputeGlobalAddress,
  type ComputeGlobalAddressConfig,
} from '@cdktf/provider-google/lib/compute-global-address';
import {
  ComputeGlobalForwardingRule,
  type ComputeGlobalForwardingRuleConfig,
} from '@cdktf/provider-google/lib/compute-global-forwarding-rule';
import { ComputeHealthCheck, type ComputeHealthCheckConfig } from '@cdktf/provider-google/lib/compute-health-check';
import {
  ComputeManagedSslCertificate,
  type ComputeManagedSslCertificateConfig,
} from '@cdktf/provider-google/lib/compute-managed-ssl-certificate';
import {
  ComputeSecurityPolicy,
  type ComputeSecurityPolicyConfig,
  type ComputeSecurityPolicyRule,
} from '@cdktf/provider-google/lib/compute-security-policy';
import { ComputeSslPolicy, type ComputeSslPolicyConfig } from '@cdktf/provider-google/lib/compute-ssl-policy';
import {
  ComputeTargetHttpProxy,
  type ComputeTargetHttpProxyConfig,
} from '@cdktf/provider-google/lib/compute-target-http-proxy';
import {
  ComputeTargetHttpsProxy,
  type ComputeTargetHttpsProxyConfig,
} from '@cdktf/provider-google/lib/compute-target-https-proxy';
import { ComputeUrlMap, type ComputeUrlMapConfig } from '@cdktf/provider-google/lib/compute-url-map';
import { Construct } from 'constructs';
import { DRAIN_SECONDS, LB_HEALTH_CHECK, WAF_RATE_LIMIT } from '../../lib/operations';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';
import { GcpCdn, type GcpCdnProps } from './cdn';
import { APP_PORT_NAME } from './compute-group';

/**
 * Cloud Armor preconfigured WAF rule sets (ModSecurity CRS 3.3), evaluated at sensitivity 1:
 * the level Google recommends to start with, blocking high-confidence attacks with few false
 * positives. Raise it per rule through the securityPolicy override.
 */
export const WAF_RULE_SETS = [
  'sqli-v33-stable',
  'xss-v33-stable',
  'lfi-v33-stable',
  'rfi-v33-stable',
  'rce-v33-stable',
  'methodenforcement-v33-stable',
  'scannerdetection-v33-stable',
  'protocolattack-v33-stable',
  'sessionfixation-v33-stable',
] as const;

/**
 * Log4Shell (CVE-2021-44228 and -45046): Google's `cve-canary` set with every signature, since a
 * JNDI lookup string has no legitimate use in a request (AWS blocks it with KnownBadInputs, Azure
 * with its OWASP 3.2 rules; checkov's CKV_AWS_192, CKV_AZURE_135 and CKV_GCP_73 check all three).
 */
export const LOG4J_RULE_EXPRESSION = "evaluatePreconfiguredExpr('cve-canary')";

/** Per client IP (lib/operations.ts): more than this many requests in the interval get HTTP 429. */
export const RATE_LIMIT = { count: WAF_RATE_LIMIT.requests, intervalSec: WAF_RATE_LIMIT.windowSeconds } as const;
/** Cloud Armor's default rule priority (the lowest). */
const DEFAULT_RULE_PRIORITY = 2147483647;

export interface GcpLoadBalancerProps {
  /** The resolved spec: https, waf, cdn, idle timeout, port, health check path, scaling, names. */
  readonly spec: ResolvedSpec;
  /** Instance group URLs the backend service sends traffic to. */
  readonly instanceGroups: readonly string[];
  /** Per-resource overrides, applied last. @default none */
  readonly overrides?: {
    /** The global external IP address. */
    readonly address?: Override<ComputeGlobalAddressConfig>;
    /** The load balancer's health check. */
    readonly healthCheck?: Override<ComputeHealthCheckConfig>;
    /** The app backend service. */
    readonly backendService?: Override<ComputeBackendServiceConfig>;
    /** The Cloud Armor policy (waf on). */
    readonly securityPolicy?: Override<ComputeSecurityPolicyConfig>;
    /** The main URL map. */
    readonly urlMap?: Override<ComputeUrlMapConfig>;
    /** The HTTP -> HTTPS redirect URL map (https on). */
    readonly redirectUrlMap?: Override<ComputeUrlMapConfig>;
    /** The HTTP target proxy. */
    readonly httpProxy?: Override<ComputeTargetHttpProxyConfig>;
    /** The HTTPS target proxy (https on). */
    readonly httpsProxy?: Override<ComputeTargetHttpsProxyConfig>;
    /** The SSL policy (https on). */
    readonly sslPolicy?: Override<ComputeSslPolicyConfig>;
    /** The Google-managed certificate (https on, no existing certificate). */
    readonly certificate?: Override<ComputeManagedSslCertificateConfig>;
    /** Both forwarding rules (check `portRange`). */
    readonly forwardingRule?: Override<ComputeGlobalForwardingRuleConfig>;
    /** The CDN construct's resources (cdn on). */
    readonly cdn?: GcpCdnProps['overrides'];
  };
}

/** Cloud Armor rules: preconfigured WAF denies first, then the per-IP throttle, then allow. */
export function securityPolicyRules(): ComputeSecurityPolicyRule[] {
  const waf: ComputeSecurityPolicyRule[] = WAF_RULE_SETS.map((ruleSet, i) => ({
    priority: 1000 + i * 10,
    action: 'deny(403)',
    description: `Preconfigured WAF: ${ruleSet}`,
    match: { expr: { expression: `evaluatePreconfiguredWaf('${ruleSet}', {'sensitivity': 1})` } },
  }));
  const log4j: ComputeSecurityPolicyRule = {
    priority: 1000 + WAF_RULE_SETS.length * 10,
    action: 'deny(403)',
    description: 'Preconfigured WAF: cve-canary (Log4j)',
    match: { expr: { expression: LOG4J_RULE_EXPRESSION } },
  };
  return [
    ...waf,
    log4j,
    {
      // After the WAF rules: a throttle rule's conform action (allow) ends evaluation.
      priority: 2000,
      action: 'throttle',
      description: `More than ${RATE_LIMIT.count} requests per ${RATE_LIMIT.intervalSec} s from one IP get 429`,
      match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } },
      rateLimitOptions: {
        conformAction: 'allow',
        exceedAction: 'deny(429)',
        enforceOnKey: 'IP',
        rateLimitThreshold: { count: RATE_LIMIT.count, intervalSec: RATE_LIMIT.intervalSec },
      },
    },
    {
      priority: DEFAULT_RULE_PRIORITY,
      action: 'allow',
      description: 'Default: allow',
      match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } },
    },
  ];
}

/**
 * Global external Application Load Balancer (EXTERNAL_MANAGED): global IP, health check,
 * backend service over the instance groups (logging, connection draining, Cloud Armor when
 * `waf`, Cloud CDN for the cached paths when `cdn.enabled`), URL map, target proxy and
 * forwarding rule. With `https`: a Google-managed certificate (or the existing one named in
 * the spec), SSL policy MODERN / TLS 1.2+, and port 80 answering with a redirect to HTTPS.
 */
export class GcpLoadBalancer extends Construct {
  public readonly address: ComputeGlobalAddress;
  public readonly healthCheck: ComputeHealthCheck;
  public readonly backendService: ComputeBackendService;
  /** Present when `waf` is on. */
  public readonly securityPolicy?: ComputeSecurityPolicy;
  /** Present when `cdn.enabled`. */
  public readonly cdn?: GcpCdn;
  public readonly urlMap: ComputeUrlMap;
  /** Present with https and no existing certificate. */
  public readonly certificate?: ComputeManagedSslCertificate;
  /** Present with https. */
  public readonly sslPolicy?: ComputeSslPolicy;
  /** Present with https. */
  public readonly httpsProxy?: ComputeTargetHttpsProxy;
  /** Present with https. */
  public readonly httpsForwardingRule?: ComputeGlobalForwardingRule;
  /** Present with https: port 80 redirects to HTTPS. */
  public readonly redirectUrlMap?: ComputeUrlMap;
  /** Serves the app on port 80 without https, the redirect with https. */
  public readonly httpProxy: ComputeTargetHttpProxy;
  public readonly httpForwardingRule: ComputeGlobalForwardingRule;
  /** Name of the main URL map (alarms filter on it). */
  public readonly urlMapName: string;
  /** The public URL: https://<domain> with https, http://<ip> without. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: GcpLoadBalancerProps) {
    super(scope, id);
    const { spec } = props;
    const o = props.overrides ?? {};
    const name = (suffix: string) => spec.names.of('gcpResource', suffix);
    const compute = spec.compute;
    const https = spec.loadBalancer.https;

    this.address = new ComputeGlobalAddress(
      this,
      'address',
      applyOverride<ComputeGlobalAddressConfig>(
        { name: name('-lb'), addressType: 'EXTERNAL', ipVersion: 'IPV4', labels: { ...spec.tags } },
        o.address,
      ),
    );

    this.healthCheck = new ComputeHealthCheck(
      this,
      'health-check',
      applyOverride<ComputeHealthCheckConfig>(
        {
          name: name('-hc'),
          description: 'Load balancer health check; its logs feed the unhealthy-backend alert',
          checkIntervalSec: LB_HEALTH_CHECK.intervalSeconds,
          timeoutSec: LB_HEALTH_CHECK.timeoutSeconds,
          healthyThreshold: LB_HEALTH_CHECK.healthyThreshold,
          unhealthyThreshold: LB_HEALTH_CHECK.unhealthyThreshold,
          httpHealthCheck: { port: compute.port, requestPath: compute.healthCheckPath },
          logConfig: { enable: true },
        },
        o.healthCheck,
      ),
    );

    if (spec.loadBalancer.waf) {
      this.securityPolicy = new ComputeSecurityPolicy(
        this,
        'security-policy',
        applyOverride<ComputeSecurityPolicyConfig>(
          {
            name: name('-armor'),
            description: 'Preconfigured WAF rules and a per-IP rate limit',
            type: 'CLOUD_ARMOR',
            // Lets the WAF rules inspect JSON request bodies field by field (fewer false positives for APIs).
            advancedOptionsConfig: { jsonParsing: 'STANDARD', logLevel: 'NORMAL' },
            rule: securityPolicyRules(),
          },
          o.securityPolicy,
        ),
      );
    }

    const rps = compute.targetRequestsPerInstance;
    const appBackend: ComputeBackendServiceConfig = {
      name: name('-backend'),
      description: `App VMs of ${spec.names.base}`,
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      protocol: 'HTTP',
      portName: APP_PORT_NAME,
      // The longest a request may wait for the app: the spec's idle timeout, as on the other clouds.
      timeoutSec: spec.loadBalancer.idleTimeoutSeconds,
      connectionDrainingTimeoutSec: DRAIN_SECONDS,
      healthChecks: [this.healthCheck.id],
      ...(this.securityPolicy ? { securityPolicy: this.securityPolicy.id } : {}),
      // No compression_mode: dynamic compression only works on Cloud CDN-enabled backends (the CDN
      // backend sets it); on this uncached one it would do nothing. The app sends what it sends.
      logConfig: { enable: true, sampleRate: 1 },
      backend: props.instanceGroups.map((group) =>
        rps !== undefined
          ? { group, balancingMode: 'RATE', maxRatePerInstance: rps, capacityScaler: 1 }
          : { group, balancingMode: 'UTILIZATION', maxUtilization: 0.8, capacityScaler: 1 },
      ),
    };
    const appConfig = applyOverride<ComputeBackendServiceConfig>(appBackend, o.backendService);
    this.backendService = new ComputeBackendService(this, 'backend', appConfig);

    if (spec.cdn.enabled) {
      this.cdn = new GcpCdn(this, 'cdn', {
        spec,
        appBackend: appConfig,
        ...(o.cdn ? { overrides: o.cdn } : {}),
      });
    }

    this.urlMapName = name('-lb');
    this.urlMap = new ComputeUrlMap(
      this,
      'url-map',
      applyOverride<ComputeUrlMapConfig>(
        {
          name: this.urlMapName,
          description: this.cdn ? 'Cached paths to the CDN backend, the rest to the app' : 'Everything to the app',
          defaultService: this.backendService.id,
          ...(this.cdn
            ? {
                hostRule: [{ hosts: ['*'], pathMatcher: 'cached' }],
                pathMatcher: [{ name: 'cached', defaultService: this.backendService.id, pathRule: this.cdn.pathRules }],
              }
            : {}),
        },
        o.urlMap,
      ),
    );

    const forwardingRule = (fid: string, ruleName: string, port: string, target: string) =>
      new ComputeGlobalForwardingRule(
        this,
        fid,
        applyOverride<ComputeGlobalForwardingRuleConfig>(
          {
            name: ruleName,
            target,
            ipAddress: this.address.id,
            portRange: port,
            ipProtocol: 'TCP',
            loadBalancingScheme: 'EXTERNAL_MANAGED',
            labels: { ...spec.tags },
          },
          o.forwardingRule,
        ),
      );

    if (https) {
      const existing = https.certificate.gcp;
      if (!existing) {
        // The domain is part of the name: a new domain gets a new certificate before the old one goes.
        const domainHash = createHash('sha256').update(https.domain).digest('hex').slice(0, 6);
        this.certificate = new ComputeManagedSslCertificate(
          this,
          'certificate',
          applyOverride<ComputeManagedSslCertificateConfig>(
            {
              name: name(`-cert-${domainHash}`),
              description: `Google-managed certificate for ${https.domain}`,
              managed: { domains: [https.domain] },
              lifecycle: { createBeforeDestroy: true },
            },
            o.certificate,
          ),
        );
      }
      this.sslPolicy = new ComputeSslPolicy(
        this,
        'ssl-policy',
        applyOverride<ComputeSslPolicyConfig>(
          { name: name('-tls'), profile: 'MODERN', minTlsVersion: 'TLS_1_2' },
          o.sslPolicy,
        ),
      );
      this.httpsProxy = new ComputeTargetHttpsProxy(
        this,
        'https-proxy',
        applyOverride<ComputeTargetHttpsProxyConfig>(
          {
            name: name('-https'),
            urlMap: this.urlMap.id,
            sslCertificates: [this.certificate ? this.certificate.id : (existing as string)],
            sslPolicy: this.sslPolicy.id,
          },
          o.httpsProxy,
        ),
      );
      this.httpsForwardingRule = forwardingRule('https-rule', name('-https'), '443', this.httpsProxy.id);
      this.redirectUrlMap = new ComputeUrlMap(
        this,
        'redirect-url-map',
        applyOverride<ComputeUrlMapConfig>(
          {
            name: name('-https-redirect'),
            description: 'Port 80: permanent redirect to HTTPS',
            defaultUrlRedirect: {
              httpsRedirect: true,
              redirectResponseCode: 'MOVED_PERMANENTLY_DEFAULT',
              stripQuery: false,
            },
          },
          o.redirectUrlMap,
        ),
      );
    }

    this.httpProxy = new ComputeTargetHttpProxy(
      this,
      'http-proxy',
      applyOverride<ComputeTargetHttpProxyConfig>(
        { name: name('-http'), urlMap: (this.redirectUrlMap ?? this.urlMap).id },
        o.httpProxy,
      ),
    );
    this.httpForwardingRule = forwardingRule('http-rule', name('-http'), '80', this.httpProxy.id);
    this.url = https ? `https://${https.domain}` : `http://${this.address.address}`;
  }
}
