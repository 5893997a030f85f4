import { Duration, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';
import {
  CLOUDFRONT_CONTROL_REGION,
  certificateRegion,
  createLogBucket,
  hasEdgeWebAcl,
  managedRule,
  ORIGIN_VERIFY_HEADER,
  rateLimitRules,
  wafVisibility,
} from './load-balancer';
import { acknowledge, GUARD } from './policy';

/** CloudFront only takes viewer certificates from ACM in us-east-1. */
export const CLOUDFRONT_CERTIFICATE_REGION = CLOUDFRONT_CONTROL_REGION;

/** CloudFront waits this long for the origin; ALB idle timeouts above it do not apply through the CDN. */
const MAX_ORIGIN_READ_SECONDS = 60;

/** Props of {@link AwsCdn}. */
export interface AwsCdnProps {
  /** The resolved spec: cached paths, https domain. */
  readonly spec: ResolvedSpec;
  /** The origin. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** Secret whose value CloudFront sends in the origin-verify header. @default - no header (the load balancer stays reachable directly) */
  readonly originSecret?: secretsmanager.ISecret;
  /**
   * Viewer certificate for the domain, in us-east-1.
   * @default - spec certificate.aws when it is in us-east-1; else the load balancer's certificate when the stack is in us-east-1
   */
  readonly certificate?: acm.ICertificate;
  /** The load balancer's certificate, reused when the stack itself is in us-east-1. @default - none */
  readonly loadBalancerCertificate?: acm.ICertificate;
  /** Bring your own log bucket (ACLs enabled: CloudFront standard logs need them). @default - a new log bucket */
  readonly logBucket?: s3.IBucket;
  /** Per-resource overrides, applied last. @default - none */
  readonly overrides?: {
    /** Props of the distribution. @default - none */
    readonly distribution?: Override<cloudfront.DistributionProps>;
    /** Props of the CLOUDFRONT-scope web ACL. @default - none */
    readonly webAcl?: Override<wafv2.CfnWebACLProps>;
  };
}

/**
 * CloudFront in front of the load balancer: compression at the edge, `cachedPaths` cached
 * with the managed CachingOptimized policy (the origin gets the viewer's Host header only),
 * everything else passed through uncached with all viewer headers, cookies and query strings.
 * HTTPS to the origin when the spec has a domain (every behaviour forwards the viewer's Host
 * header, so the ALB certificate for the domain matches); HTTP to the origin
 * otherwise. With cdn.lockOrigin the origin-verify header makes the load balancer refuse
 * requests that bypass the distribution.
 */
export class AwsCdn extends Construct {
  /** The distribution. */
  public readonly distribution: cloudfront.Distribution;
  /** Standard-log bucket. */
  public readonly logBucket: s3.IBucket;
  /** Origin request policy of the cached paths (the viewer's Host header only). */
  public readonly cachedOriginRequestPolicy: cloudfront.OriginRequestPolicy;
  /** Viewer certificate, when the domain is served on the distribution. */
  public readonly certificate?: acm.ICertificate;
  /**
   * CLOUDFRONT-scope web ACL on the distribution (IP reputation, known bad inputs and the per-IP
   * rate limit on the real viewer address), when the WAF is on and the stack is in us-east-1
   * (hasEdgeWebAcl).
   */
  public readonly webAcl?: wafv2.CfnWebACL;
  /** Public URL of the distribution. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: AwsCdnProps) {
    super(scope, id);
    const { spec } = props;
    const https = spec.loadBalancer.https;
    this.certificate = props.certificate ?? this.viewerCertificate(spec, props.loadBalancerCertificate);
    if (https && !this.certificate) {
      throw new Error(
        `cdn with loadBalancer.https in ${Stack.of(this).region} needs loadBalancer.https.certificate.aws to be an ACM certificate in ${CLOUDFRONT_CERTIFICATE_REGION} (CloudFront only uses certificates from there)`,
      );
    }

    // CloudFront standard logs are written with ACLs, so this bucket keeps them enabled.
    this.logBucket =
      props.logBucket ?? createLogBucket(this, 'Logs', { objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED });

    const origin = new origins.LoadBalancerV2Origin(props.loadBalancer, {
      protocolPolicy: https ? cloudfront.OriginProtocolPolicy.HTTPS_ONLY : cloudfront.OriginProtocolPolicy.HTTP_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      readTimeout: Duration.seconds(Math.min(spec.loadBalancer.idleTimeoutSeconds, MAX_ORIGIN_READ_SECONDS)),
      ...(props.originSecret
        ? { customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originSecret.secretValue.unsafeUnwrap() } }
        : {}),
    });
    // Cached paths send the origin only the viewer's Host: over HTTPS CloudFront checks the
    // origin certificate against the Host it sends (without it, the ALB's DNS name, which the
    // domain's certificate does not cover: every cached path would be a 502). No cookies or
    // query strings: they are not in the cache key, so the origin must not vary on them.
    this.cachedOriginRequestPolicy = new cloudfront.OriginRequestPolicy(this, 'CachedOriginRequests', {
      comment: `${spec.names.base}: cached paths forward the viewer Host header only`,
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList('Host'),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.none(),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.none(),
    });
    const cached: cloudfront.BehaviorOptions = {
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD_OPTIONS,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      originRequestPolicy: this.cachedOriginRequestPolicy,
      compress: true,
    };

    const region = Stack.of(this).region;
    if (hasEdgeWebAcl(spec, region)) this.webAcl = this.createEdgeWebAcl(spec, props.overrides?.webAcl);

    this.distribution = new cloudfront.Distribution(
      this,
      'Distribution',
      applyOverride<cloudfront.DistributionProps>(
        {
          comment: `${spec.names.base} CDN`,
          defaultBehavior: {
            origin,
            viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
            cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
            originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER,
            compress: true,
          },
          additionalBehaviors: Object.fromEntries(spec.cdn.cachedPaths.map((p) => [p, cached])),
          ...(https && this.certificate ? { domainNames: [https.domain], certificate: this.certificate } : {}),
          // Only a custom certificate carries a security policy; the default one is fixed at TLSv1.
          ...(https && this.certificate
            ? { minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 }
            : {}),
          httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
          enableIpv6: true,
          priceClass: spec.isProd ? cloudfront.PriceClass.PRICE_CLASS_ALL : cloudfront.PriceClass.PRICE_CLASS_100,
          enableLogging: true,
          logBucket: this.logBucket,
          logFilePrefix: 'cdn/',
          ...(this.webAcl ? { webAclId: this.webAcl.attrArn } : {}),
        },
        props.overrides?.distribution,
      ),
    );
    const reasons: Record<string, string> = {
      'AwsSolutions-CFR1':
        'An API for a global audience: the spec has no country restriction; add one with the distribution override if needed.',
      [`${GUARD}cloudfront_default_root_object_configured_check`]:
        'The origin is an API: "/" is an API route, and a default root object would rewrite it to a file that does not exist.',
      [`${GUARD}cloudfront_origin_failover_enabled_check`]:
        'There is one origin (the load balancer, itself spread across zones); an origin group needs a second origin this stack does not have.',
    };
    if (!this.webAcl) Object.assign(reasons, { 'AwsSolutions-CFR2': noEdgeAclReason(spec, region) });
    if (!https) {
      const why =
        'The spec sets no loadBalancer.https domain: viewers use the *.cloudfront.net certificate and the origin has no certificate to speak TLS with.';
      Object.assign(reasons, {
        'AwsSolutions-CFR4': why,
        'AwsSolutions-CFR5': why,
        [`${GUARD}cloudfront_custom_ssl_certificate_check`]: why,
        [`${GUARD}cloudfront_traffic_to_origin_encrypted_check`]: why,
        [`${GUARD}cloudfront_sni_enabled_check`]: why,
        [`${GUARD}cloudfront_security_policy_check`]: why,
      });
    }
    acknowledge(this.distribution, reasons);
    this.url = https ? `https://${https.domain}` : `https://${this.distribution.distributionDomainName}`;
  }

  private createEdgeWebAcl(spec: ResolvedSpec, override?: Override<wafv2.CfnWebACLProps>): wafv2.CfnWebACL {
    const name = spec.names.of('awsWebAcl', '-edge');
    return new wafv2.CfnWebACL(
      this,
      'WebAcl',
      applyOverride<wafv2.CfnWebACLProps>(
        {
          name,
          scope: 'CLOUDFRONT',
          description: `${spec.names.base}: IP reputation, known bad inputs and the per-viewer rate limit at the edge, on the real viewer address`,
          defaultAction: { allow: {} },
          visibilityConfig: wafVisibility(name, 'all'),
          rules: [
            managedRule(name, 0, 'AWSManagedRulesAmazonIpReputationList'),
            // Log4Shell and other known exploit payloads stopped at the edge as well (checkov CKV_AWS_192).
            managedRule(name, 1, 'AWSManagedRulesKnownBadInputsRuleSet'),
            ...rateLimitRules(name, 2, { edgeAcl: false }),
          ],
        },
        override,
      ),
    );
  }

  private viewerCertificate(spec: ResolvedSpec, fromLoadBalancer?: acm.ICertificate): acm.ICertificate | undefined {
    const https = spec.loadBalancer.https;
    if (!https) return undefined;
    const arn = https.certificate.aws;
    if (arn && certificateRegion(arn) === CLOUDFRONT_CERTIFICATE_REGION) {
      return acm.Certificate.fromCertificateArn(this, 'Certificate', arn);
    }
    return Stack.of(this).region === CLOUDFRONT_CERTIFICATE_REGION ? fromLoadBalancer : undefined;
  }
}

/** Why the distribution has no web ACL of its own (cdk-nag CFR2), true for the spec and region. */
function noEdgeAclReason(spec: ResolvedSpec, region: string): string {
  if (!spec.loadBalancer.waf) {
    return 'loadBalancer.waf is false in this spec: neither the load balancer nor the distribution gets a web ACL.';
  }
  return `A CLOUDFRONT-scope web ACL can only be created in ${CLOUDFRONT_CONTROL_REGION} and this stack is in ${region}: the regional ACL on the load balancer inspects every request CloudFront forwards (with cdn.lockOrigin nothing bypasses it), but its per-viewer rate limit keys on the first X-Forwarded-For entry, which a client can forge (docs/aws.md).`;
}
