import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { DRAIN_SECONDS, LB_HEALTH_CHECK, WAF_RATE_LIMIT } from '../../lib/operations';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';
import { acknowledge, GUARD } from './policy';

/** Header CloudFront adds to every origin request; with cdn.lockOrigin the listener forwards only requests carrying it. */
export const ORIGIN_VERIFY_HEADER = 'X-Origin-Verify';

/** CloudFront takes ACM certificates and CLOUDFRONT-scope web ACLs from this region only. */
export const CLOUDFRONT_CONTROL_REGION = 'us-east-1';

/**
 * Whether the stack puts a CLOUDFRONT-scope web ACL on its distribution: the CDN and the WAF are
 * on and the stack is in us-east-1, the only region that can create one.
 */
export function hasEdgeWebAcl(spec: ResolvedSpec, region: string): boolean {
  return spec.cdn.enabled && spec.loadBalancer.waf && region === CLOUDFRONT_CONTROL_REGION;
}

/** CloudWatch metrics and sampled requests under `<acl>-<suffix>`. */
export function wafVisibility(aclName: string, suffix: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${aclName}-${suffix}` };
}

/** An AWS managed rule group as a rule of `aclName`, with the group's own actions except `overrides`. */
export function managedRule(
  aclName: string,
  priority: number,
  group: string,
  overrides: wafv2.CfnWebACL.RuleActionOverrideProperty[] = [],
): wafv2.CfnWebACL.RuleProperty {
  return {
    name: group,
    priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name: group,
        ...(overrides.length > 0 ? { ruleActionOverrides: overrides } : {}),
      },
    },
    visibilityConfig: wafVisibility(aclName, group),
  };
}

/** Requests carrying (or, negated, lacking) CloudFront's origin header with its secret value. */
function fromCdn(originHeaderValue: string): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { singleHeader: { Name: ORIGIN_VERIFY_HEADER.toLowerCase() } },
      positionalConstraint: 'EXACTLY',
      searchString: originHeaderValue,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  };
}

/** Where the rate rules of the regional web ACL run. */
export interface RateLimitPlacement {
  /** Value of the origin header CloudFront sends, when the CDN is on. */
  readonly originHeaderValue?: string;
  /** A CLOUDFRONT-scope ACL limits the CDN's viewers by their real address (hasEdgeWebAcl). */
  readonly edgeAcl: boolean;
}

/**
 * The per-client rate rules of the load balancer's web ACL (WAF_RATE_LIMIT per 5 minutes):
 * - without the CDN, per source address;
 * - with the CDN, per source address for every request that does not carry CloudFront's secret
 *   origin header (clients reaching the ALB directly, whose source address is their own); a
 *   forged header value does not match, so it cannot opt out;
 * - requests from CloudFront come from edge addresses shared by many viewers: the edge ACL limits
 *   them by the real viewer address in us-east-1; elsewhere the ALB keys them on the first
 *   X-Forwarded-For entry, which CloudFront takes from the client when one was sent (a client can
 *   forge it) and which a request without the header skips (WAF does not apply the rule).
 */
export function rateLimitRules(
  aclName: string,
  priority: number,
  placement: RateLimitPlacement,
): wafv2.CfnWebACL.RuleProperty[] {
  const limit = { limit: WAF_RATE_LIMIT.requests, evaluationWindowSec: WAF_RATE_LIMIT.windowSeconds };
  const rule = (
    name: string,
    rate: wafv2.CfnWebACL.RateBasedStatementProperty,
    offset: number,
  ): wafv2.CfnWebACL.RuleProperty => ({
    name,
    priority: priority + offset,
    action: { block: {} },
    statement: { rateBasedStatement: rate },
    visibilityConfig: wafVisibility(aclName, offset === 0 ? 'rate-limit' : 'rate-limit-viewer'),
  });
  const header = placement.originHeaderValue;
  if (header === undefined) return [rule('RateLimitPerIp', { ...limit, aggregateKeyType: 'IP' }, 0)];
  const direct = rule(
    'RateLimitPerIp',
    { ...limit, aggregateKeyType: 'IP', scopeDownStatement: { notStatement: { statement: fromCdn(header) } } },
    0,
  );
  if (placement.edgeAcl) return [direct];
  const viewer = rule(
    'RateLimitPerViewer',
    {
      ...limit,
      aggregateKeyType: 'FORWARDED_IP',
      forwardedIpConfig: { headerName: 'X-Forwarded-For', fallbackBehavior: 'MATCH' },
      scopeDownStatement: fromCdn(header),
    },
    1,
  );
  return [direct, viewer];
}

/**
 * An ALB's WAF inspects only the first 8 KiB of a request body (the limit is fixed for regional
 * web ACLs), so no larger body limit can be enforced there.
 */
export const ALB_WAF_BODY_KIB = 8;

/**
 * Rule actions of the common rule set: SizeRestrictions_BODY blocks every body over 8 KiB, so
 * when the spec allows larger bodies it only counts them (visible in the WAF metrics and samples);
 * every other rule of the group, the body rules included, keeps blocking.
 */
export function commonRuleSetOverrides(maxRequestBodyKiB: number): wafv2.CfnWebACL.RuleActionOverrideProperty[] {
  return maxRequestBodyKiB > ALB_WAF_BODY_KIB ? [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }] : [];
}

/** Days the access logs are kept before they expire. */
export const ACCESS_LOG_DAYS = 365;

/** The region of an ACM certificate ARN, or undefined when it is not a literal ARN. */
export function certificateRegion(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:acm:([a-z0-9-]+):/.exec(arn)?.[1];
}

/**
 * A private log bucket: S3-managed encryption (the only kind ALB access logs accept), all
 * public access blocked, TLS-only, no ACLs, versioned with expiry. Shared by the load balancer
 * and the CDN.
 */
export function createLogBucket(
  scope: Construct,
  id: string,
  props: { objectOwnership?: s3.ObjectOwnership; override?: Override<s3.BucketProps> },
): s3.Bucket {
  const bucket = new s3.Bucket(
    scope,
    id,
    applyOverride<s3.BucketProps>(
      {
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        versioned: true,
        objectOwnership: props.objectOwnership ?? s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycleRules: [
          {
            id: 'expire-logs',
            enabled: true,
            expiration: Duration.days(ACCESS_LOG_DAYS),
            noncurrentVersionExpiration: Duration.days(30),
            abortIncompleteMultipartUploadAfter: Duration.days(7),
          },
        ],
        // Logs are evidence: they outlive the stack; delete them on purpose, not by accident.
        removalPolicy: RemovalPolicy.RETAIN,
      },
      props.override,
    ),
  );
  acknowledge(bucket, {
    'AwsSolutions-S1':
      'This bucket is a log destination; logging its own access to another bucket would only move the finding one bucket further.',
    [`${GUARD}s3_bucket_logging_enabled_check`]:
      'This bucket is a log destination; logging its own access to another bucket would only move the finding one bucket further.',
    [`${GUARD}s3_bucket_default_encryption_kms_check`]:
      'Encrypted with SSE-S3: ALB access logs and CloudFront standard logs can only be delivered to SSE-S3 buckets.',
    [`${GUARD}s3_event_notifications_enabled_check`]:
      'Log objects need no processing on arrival; nothing consumes bucket events.',
    [`${GUARD}s3_bucket_object_lock_enabled_check`]:
      'Logs expire after a year through the lifecycle rule; Object Lock would block that expiry and cannot be removed later.',
  });
  return bucket;
}

/** Props of {@link AwsLoadBalancer}. */
export interface AwsLoadBalancerProps {
  /** The resolved spec: https, WAF, idle timeout, port and health check path. */
  readonly spec: ResolvedSpec;
  /** The VPC; the load balancer goes in its public subnets. */
  readonly vpc: ec2.IVpc;
  /** Subnets of the load balancer. @default - the public subnets */
  readonly subnets?: ec2.SubnetSelection;
  /** Key that encrypts the CDN origin secret. @default - the AWS managed Secrets Manager key */
  readonly key?: kms.IKey;
  /** Bring your own access-log bucket (SSE-S3, with the ELB delivery policy). @default - a new private log bucket */
  readonly accessLogBucket?: s3.IBucket;
  /**
   * Certificate of the HTTPS listener.
   * @default - spec.loadBalancer.https.certificate.aws when it is in the stack's region, else a new DNS-validated ACM certificate for the domain
   */
  readonly certificate?: acm.ICertificate;
  /** Per-resource overrides, applied last. @default - none */
  readonly overrides?: {
    /** Props of the load balancer. @default - none */
    readonly loadBalancer?: Override<elbv2.ApplicationLoadBalancerProps>;
    /** Props of the target group. @default - none */
    readonly targetGroup?: Override<elbv2.ApplicationTargetGroupProps>;
    /** Props of the WAF web ACL. @default - none */
    readonly webAcl?: Override<wafv2.CfnWebACLProps>;
    /** Props of the access-log bucket. @default - none */
    readonly accessLogBucket?: Override<s3.BucketProps>;
  };
}

/**
 * The internet-facing entry: an Application Load Balancer in the public subnets with a target
 * group for the app instances, access logs, invalid-header dropping and deletion protection in
 * prod; HTTPS (TLS 1.2+) with HTTP → HTTPS redirect when the spec has a domain; a regional
 * WAFv2 web ACL with AWS managed rules and a per-IP rate limit. With the CDN on and
 * cdn.lockOrigin, the listener forwards only requests that carry CloudFront's secret origin
 * header, so the CDN (and its caching and TLS settings) cannot be bypassed; unlocked, it also
 * serves clients that still reach it directly (while DNS moves to the CDN).
 */
export class AwsLoadBalancer extends Construct {
  /** The load balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** Its security group (80/443 from anywhere: it is the public entry). */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Target group of the app instances. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The HTTP listener: redirects to HTTPS, or serves when there is no domain. */
  public readonly httpListener: elbv2.ApplicationListener;
  /** The HTTPS listener, when spec.loadBalancer.https is set. */
  public readonly httpsListener?: elbv2.ApplicationListener;
  /** Certificate of the HTTPS listener. */
  public readonly certificate?: acm.ICertificate;
  /** Bucket of the access logs. */
  public readonly accessLogBucket: s3.IBucket;
  /** WAF web ACL, when spec.loadBalancer.waf. */
  public readonly webAcl?: wafv2.CfnWebACL;
  /** Value CloudFront must send in {@link ORIGIN_VERIFY_HEADER}, when the CDN is on. */
  public readonly originSecret?: secretsmanager.Secret;
  /** The listener that serves traffic (HTTPS when set, else HTTP). */
  public readonly servingListener: elbv2.ApplicationListener;
  /** Public URL of the load balancer itself (https://domain or http://<dns name>). */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: AwsLoadBalancerProps) {
    super(scope, id);
    const { spec, vpc } = props;
    const region = Stack.of(this).region;
    const https = spec.loadBalancer.https;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `${spec.names.base} load balancer: HTTP(S) from the internet`,
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from the internet');
    if (https) this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from the internet');
    acknowledge(this.securityGroup, {
      'AwsSolutions-EC23':
        'Internet-facing load balancer: 0.0.0.0/0 may reach ports 80 and 443 only; the WAF web ACL filters the traffic.',
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(
      this,
      'LoadBalancer',
      applyOverride<elbv2.ApplicationLoadBalancerProps>(
        {
          vpc,
          internetFacing: true,
          vpcSubnets: props.subnets ?? { subnetType: ec2.SubnetType.PUBLIC },
          securityGroup: this.securityGroup,
          loadBalancerName: spec.names.of('awsLoadBalancer'),
          idleTimeout: Duration.seconds(spec.loadBalancer.idleTimeoutSeconds),
          dropInvalidHeaderFields: true,
          desyncMitigationMode: elbv2.DesyncMitigationMode.DEFENSIVE,
          deletionProtection: spec.isProd,
          http2Enabled: true,
        },
        props.overrides?.loadBalancer,
      ),
    );
    if (!spec.isProd) {
      acknowledge(this.loadBalancer, {
        [`${GUARD}elbv2_deletion_protection_enabled_check`]:
          'Deletion protection is on in prod only; dev and staging stacks are torn down routinely.',
      });
    }

    this.accessLogBucket =
      props.accessLogBucket ?? createLogBucket(this, 'AccessLogs', { override: props.overrides?.accessLogBucket });
    this.loadBalancer.logAccessLogs(this.accessLogBucket, 'alb');

    this.targetGroup = new elbv2.ApplicationTargetGroup(
      this,
      'TargetGroup',
      applyOverride<elbv2.ApplicationTargetGroupProps>(
        {
          vpc,
          port: spec.compute.port,
          protocol: elbv2.ApplicationProtocol.HTTP,
          targetType: elbv2.TargetType.INSTANCE,
          deregistrationDelay: Duration.seconds(DRAIN_SECONDS),
          healthCheck: {
            path: spec.compute.healthCheckPath,
            protocol: elbv2.Protocol.HTTP,
            healthyHttpCodes: '200-399',
            interval: Duration.seconds(LB_HEALTH_CHECK.intervalSeconds),
            timeout: Duration.seconds(LB_HEALTH_CHECK.timeoutSeconds),
            healthyThresholdCount: LB_HEALTH_CHECK.healthyThreshold,
            unhealthyThresholdCount: LB_HEALTH_CHECK.unhealthyThreshold,
          },
        },
        props.overrides?.targetGroup,
      ),
    );

    if (spec.cdn.enabled) {
      this.originSecret = new secretsmanager.Secret(this, 'OriginSecret', {
        description: `${spec.names.base}: value of the ${ORIGIN_VERIFY_HEADER} header CloudFront sends to the load balancer`,
        ...(props.key ? { encryptionKey: props.key } : {}),
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
      });
      acknowledge(this.originSecret, {
        'AwsSolutions-SMG4':
          'Shared header value between CloudFront and the load balancer; rotating it needs both updated in one deploy, so it changes by replacing the secret.',
      });
    }

    if (https) {
      this.certificate = props.certificate ?? this.regionalCertificate(spec, region);
      this.httpsListener = this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [this.certificate],
        // TLS 1.2 and 1.3, forward-secret AEAD ciphers only, post-quantum hybrid key exchange.
        sslPolicy: elbv2.SslPolicy.TLS13_12_RES_PQ,
        open: false,
        defaultAction: this.defaultAction(spec),
      });
      this.httpListener = this.loadBalancer.addListener('Http', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
      });
      this.servingListener = this.httpsListener;
      this.url = `https://${https.domain}`;
    } else {
      this.httpListener = this.loadBalancer.addListener('Http', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
        defaultAction: this.defaultAction(spec),
      });
      acknowledge(this.httpListener, {
        [`${GUARD}alb_http_to_https_redirection_check`]:
          'The spec sets no loadBalancer.https domain, so there is no certificate to serve HTTPS with; set loadBalancer.https to get HTTPS and the redirect.',
      });
      this.servingListener = this.httpListener;
      this.url = `http://${this.loadBalancer.loadBalancerDnsName}`;
    }
    if (this.originSecret) {
      this.servingListener.addAction('FromCdn', {
        priority: 1,
        conditions: [
          elbv2.ListenerCondition.httpHeader(ORIGIN_VERIFY_HEADER, [this.originSecret.secretValue.unsafeUnwrap()]),
        ],
        action: elbv2.ListenerAction.forward([this.targetGroup]),
      });
    }

    if (spec.loadBalancer.waf) {
      this.webAcl = this.createWebAcl(spec, props.overrides?.webAcl);
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
        resourceArn: this.loadBalancer.loadBalancerArn,
        webAclArn: this.webAcl.attrArn,
      });
    }
  }

  /**
   * Forward to the app; with the CDN on and cdn.lockOrigin, refuse what did not come through
   * CloudFront. Unlocked, clients whose DNS still points at the load balancer keep being served
   * while CloudFront deploys (phase 1 of turning the CDN on, docs/aws.md).
   */
  private defaultAction(spec: ResolvedSpec): elbv2.ListenerAction {
    return this.originSecret && spec.cdn.lockOrigin
      ? elbv2.ListenerAction.fixedResponse(403, { contentType: 'text/plain', messageBody: 'Forbidden' })
      : elbv2.ListenerAction.forward([this.targetGroup]);
  }

  private regionalCertificate(spec: ResolvedSpec, region: string): acm.ICertificate {
    const https = spec.loadBalancer.https;
    if (!https) throw new Error('regionalCertificate needs loadBalancer.https');
    const arn = https.certificate.aws;
    if (arn && certificateRegion(arn) === region) {
      return acm.Certificate.fromCertificateArn(this, 'Certificate', arn);
    }
    // Validated by DNS: the deploy waits until the CNAME that ACM asks for exists.
    return new acm.Certificate(this, 'Certificate', {
      domainName: https.domain,
      validation: acm.CertificateValidation.fromDns(),
    });
  }

  private createWebAcl(spec: ResolvedSpec, override?: Override<wafv2.CfnWebACLProps>): wafv2.CfnWebACL {
    const name = spec.names.of('awsWebAcl');
    const placement: RateLimitPlacement = {
      edgeAcl: hasEdgeWebAcl(spec, Stack.of(this).region),
      ...(this.originSecret ? { originHeaderValue: this.originSecret.secretValue.unsafeUnwrap() } : {}),
    };
    return new wafv2.CfnWebACL(
      this,
      'WebAcl',
      applyOverride<wafv2.CfnWebACLProps>(
        {
          name,
          scope: 'REGIONAL',
          description: `${spec.names.base}: AWS managed rules and a per-IP rate limit in front of the load balancer`,
          defaultAction: { allow: {} },
          visibilityConfig: wafVisibility(name, 'all'),
          rules: [
            managedRule(name, 0, 'AWSManagedRulesAmazonIpReputationList'),
            managedRule(
              name,
              1,
              'AWSManagedRulesCommonRuleSet',
              commonRuleSetOverrides(spec.loadBalancer.maxRequestBodyKiB),
            ),
            managedRule(name, 2, 'AWSManagedRulesKnownBadInputsRuleSet'),
            ...rateLimitRules(name, 3, placement),
          ],
        },
        override,
      ),
    );
  }
}
