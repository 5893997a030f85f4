import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsLoadBalancer, certificateRegion, ORIGIN_VERIFY_HEADER } from '../../../constructs/aws/load-balancer';
import { AwsNetwork } from '../../../constructs/aws/network';
import type { ResolvedSpec } from '../../../lib/resolve';
import { awsAppContext } from '../../../stacks/aws-stack';
import { resolved } from '../../fixtures';

function build(spec: ResolvedSpec) {
  const app = new App({ context: awsAppContext(), builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: { region: spec.regions.aws } });
  const { vpc } = new AwsNetwork(stack, 'Network', { spec });
  const lb = new AwsLoadBalancer(stack, 'LoadBalancer', { spec, vpc });
  return { lb, template: Template.fromStack(stack) };
}

const attributes = (template: Template): Record<string, string> => {
  const [lb] = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'));
  if (!lb) throw new Error('no load balancer');
  const list = lb.Properties.LoadBalancerAttributes as Array<{ Key: string; Value: string }>;
  return Object.fromEntries(list.map((a) => [a.Key, a.Value]));
};

const https = { loadBalancer: { https: { domain: 'api.example.com' } } };

type AclRule = { Name: string; OverrideAction?: unknown; Statement: Record<string, Record<string, unknown>> };

const aclRules = (template: Template, scope = 'REGIONAL'): AclRule[] => {
  const acl = Object.values(template.findResources('AWS::WAFv2::WebACL')).find((a) => a.Properties.Scope === scope);
  if (!acl) throw new Error(`no ${scope} web ACL`);
  return acl.Properties.Rules as AclRule[];
};

/** The WAF statement matching CloudFront's origin header with the secret's dynamic reference. */
const originHeaderMatch = () => ({
  ByteMatchStatement: {
    FieldToMatch: { SingleHeader: { Name: ORIGIN_VERIFY_HEADER.toLowerCase() } },
    PositionalConstraint: 'EXACTLY',
    SearchString: {
      'Fn::Join': [
        '',
        [
          '{{resolve:secretsmanager:',
          { Ref: expect.stringMatching(/^LoadBalancerOriginSecret/) },
          ':SecretString:::}}',
        ],
      ],
    },
    TextTransformations: [{ Priority: 0, Type: 'NONE' }],
  },
});

const commonRule = (template: Template) => {
  const rule = aclRules(template).find((r) => r.Name === 'AWSManagedRulesCommonRuleSet');
  if (!rule) throw new Error('no common rule set');
  return rule;
};

const managedGroup = (template: Template, name: string) => {
  const rule = aclRules(template).find((r) => r.Name === name);
  if (!rule?.Statement.ManagedRuleGroupStatement) throw new Error(`no managed group ${name}`);
  return rule.Statement.ManagedRuleGroupStatement;
};

describe('AwsLoadBalancer', () => {
  test('GIVEN prod WHEN built THEN an internet-facing ALB drops invalid headers, logs access and resists deletion', () => {
    const { template } = build(resolved('prod', { loadBalancer: { idleTimeoutSeconds: 120 } }));
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Name: 'shop-api-prd-alb',
    });
    expect(attributes(template)).toMatchObject({
      'routing.http.drop_invalid_header_fields.enabled': 'true',
      'deletion_protection.enabled': 'true',
      'idle_timeout.timeout_seconds': '120',
      'access_logs.s3.enabled': 'true',
      'routing.http.desync_mitigation_mode': 'defensive',
    });
  });

  test('GIVEN dev WHEN built THEN deletion protection is off', () => {
    const { template } = build(resolved('dev'));
    expect(attributes(template)['deletion_protection.enabled']).toBe('false');
  });

  test('GIVEN the access-log bucket WHEN built THEN it is private, encrypted, TLS-only, versioned and expiring', () => {
    const { template } = build(resolved('prod'));
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365, Status: 'Enabled' })] },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('GIVEN the target group WHEN built THEN it health-checks the spec path on the app port', () => {
    const { template } = build(resolved('prod', { compute: { port: 9000, healthCheckPath: '/ready' } }));
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 9000,
      Protocol: 'HTTP',
      TargetType: 'instance',
      HealthCheckPath: '/ready',
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '60' }]),
    });
  });

  test('GIVEN https WHEN built THEN HTTPS serves with a TLS 1.2+ policy and HTTP redirects permanently', () => {
    const { template } = build(resolved('prod', https));
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
      DefaultActions: [Match.objectLike({ Type: 'forward' })],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [
        { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
      ],
    });
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'api.example.com',
      ValidationMethod: 'DNS',
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ FromPort: 443, CidrIp: '0.0.0.0/0' })]),
    });
  });

  test('GIVEN a certificate ARN in the stack region WHEN built THEN it is used and none is created', () => {
    const arn = 'arn:aws:acm:us-east-1:111111111111:certificate/abc';
    expect(certificateRegion(arn)).toBe('us-east-1');
    const { template } = build(
      resolved('prod', { loadBalancer: { https: { domain: 'api.example.com', certificate: { aws: arn } } } }),
    );
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Certificates: [{ CertificateArn: arn }],
    });
  });

  test('GIVEN no https WHEN built THEN HTTP forwards to the app and port 443 stays closed', () => {
    const { lb, template } = build(resolved('dev'));
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: 'forward' })],
    });
    expect(lb.url).toMatch(/^http:\/\//);
    const ingress = JSON.stringify(template.findResources('AWS::EC2::SecurityGroup'));
    expect(ingress).not.toContain('"FromPort":443');
  });

  test('GIVEN waf WHEN built THEN a regional web ACL with the managed groups and a rate rule guards the ALB', () => {
    const { template } = build(resolved('prod'));
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' },
          },
        }),
        Match.objectLike({
          Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } },
        }),
        Match.objectLike({
          Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
        }),
        Match.objectLike({
          Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: 2000, EvaluationWindowSec: 300, AggregateKeyType: 'IP' } },
        }),
      ],
    });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  test('GIVEN waf and the CDN in us-east-1 WHEN built THEN the ALB limits by source address every request without the origin header, and leaves CloudFront traffic to the edge ACL', () => {
    const { template } = build(resolved('prod', { cdn: { enabled: true } }));
    const rates = aclRules(template).filter((r) => 'RateBasedStatement' in r.Statement);
    expect(rates.map((r) => r.Name)).toEqual(['RateLimitPerIp']);
    expect(rates[0]?.Statement.RateBasedStatement).toEqual({
      Limit: 2000,
      EvaluationWindowSec: 300,
      AggregateKeyType: 'IP',
      ScopeDownStatement: { NotStatement: { Statement: originHeaderMatch() } },
    });
  });

  test('GIVEN waf and the CDN outside us-east-1 WHEN built THEN direct requests are limited by source address and CloudFront requests by the first X-Forwarded-For entry', () => {
    const arn = 'arn:aws:acm:us-east-1:111111111111:certificate/edge';
    const { template } = build(
      resolved('prod', {
        regions: { aws: 'eu-west-1' },
        cdn: { enabled: true },
        loadBalancer: { https: { domain: 'api.example.com', certificate: { aws: arn } } },
      }),
    );
    const rates = Object.fromEntries(
      aclRules(template)
        .filter((r) => 'RateBasedStatement' in r.Statement)
        .map((r) => [r.Name, r.Statement.RateBasedStatement]),
    );
    expect(rates).toEqual({
      RateLimitPerIp: expect.objectContaining({
        AggregateKeyType: 'IP',
        ScopeDownStatement: { NotStatement: { Statement: originHeaderMatch() } },
      }),
      RateLimitPerViewer: {
        Limit: 2000,
        EvaluationWindowSec: 300,
        AggregateKeyType: 'FORWARDED_IP',
        ForwardedIPConfig: { HeaderName: 'X-Forwarded-For', FallbackBehavior: 'MATCH' },
        ScopeDownStatement: originHeaderMatch(),
      },
    });
  });

  test.each([
    ['the default (1024 KiB)', undefined],
    ['9 KiB', 9],
  ] as const)(
    'GIVEN maxRequestBodyKiB %s WHEN built THEN SizeRestrictions_BODY only counts and every other common rule still blocks',
    (_n, kib) => {
      const { template } = build(
        resolved('prod', kib === undefined ? {} : { loadBalancer: { maxRequestBodyKiB: kib } }),
      );
      const common = managedGroup(template, 'AWSManagedRulesCommonRuleSet');
      expect(common.RuleActionOverrides).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
      // The group itself is not set to count: the XSS, SQLi-adjacent and other body rules keep blocking.
      expect(commonRule(template).OverrideAction).toEqual({ None: {} });
    },
  );

  test('GIVEN maxRequestBodyKiB 8 (what the ALB WAF can inspect) WHEN built THEN the managed size rule keeps blocking larger bodies', () => {
    const { template } = build(resolved('prod', { loadBalancer: { maxRequestBodyKiB: 8 } }));
    expect(managedGroup(template, 'AWSManagedRulesCommonRuleSet').RuleActionOverrides).toBeUndefined();
  });

  test('GIVEN waf off WHEN built THEN there is no web ACL', () => {
    const { template } = build(resolved('dev', { loadBalancer: { waf: false } }));
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test('GIVEN the CDN unlocked (phase 1: DNS still points at the ALB) WHEN built THEN the listener serves everyone, and the origin header rule is already in place', () => {
    const { lb, template } = build(resolved('prod', { ...https, cdn: { enabled: true } }));
    expect(lb.originSecret).toBeDefined();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      DefaultActions: [Match.objectLike({ Type: 'forward' })],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 1,
      Conditions: [Match.objectLike({ Field: 'http-header' })],
      Actions: [Match.objectLike({ Type: 'forward' })],
    });
  });

  test('GIVEN the CDN WHEN lockOrigin turns on (phase 2) THEN only the default action of the serving listener changes', () => {
    const listeners = (lockOrigin: boolean) =>
      build(resolved('prod', { ...https, cdn: { enabled: true, lockOrigin } })).template.toJSON().Resources as Record<
        string,
        { Type: string; Properties: Record<string, unknown> }
      >;
    const open = listeners(false);
    const locked = listeners(true);
    const changed = Object.keys(locked).filter((id) => JSON.stringify(locked[id]) !== JSON.stringify(open[id]));
    expect(changed).toHaveLength(1);
    const [id] = changed as [string];
    expect(locked[id]?.Type).toBe('AWS::ElasticLoadBalancingV2::Listener');
    expect(Object.keys(open)).toEqual(Object.keys(locked));
  });

  test('GIVEN the CDN and lockOrigin WHEN built THEN the listener refuses requests without the CloudFront origin header', () => {
    const { lb, template } = build(resolved('prod', { ...https, cdn: { enabled: true, lockOrigin: true } }));
    expect(lb.originSecret).toBeDefined();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      DefaultActions: [
        Match.objectLike({ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '403' }) }),
      ],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 1,
      Conditions: [
        Match.objectLike({
          Field: 'http-header',
          HttpHeaderConfig: {
            HttpHeaderName: ORIGIN_VERIFY_HEADER,
            Values: [Match.objectLike({ 'Fn::Join': Match.anyValue() })],
          },
        }),
      ],
      Actions: [Match.objectLike({ Type: 'forward' })],
    });
  });
});
