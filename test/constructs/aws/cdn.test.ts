import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsCdn } from '../../../constructs/aws/cdn';
import { AwsLoadBalancer, ORIGIN_VERIFY_HEADER } from '../../../constructs/aws/load-balancer';
import { AwsNetwork } from '../../../constructs/aws/network';
import type { ResolvedSpec } from '../../../lib/resolve';
import { acknowledgements } from '../../../stacks/aws-policy';
import { awsAppContext } from '../../../stacks/aws-stack';
import { resolved } from '../../fixtures';

function build(spec: ResolvedSpec) {
  const app = new App({ context: awsAppContext(), builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: { region: spec.regions.aws } });
  const { vpc } = new AwsNetwork(stack, 'Network', { spec });
  const lb = new AwsLoadBalancer(stack, 'LoadBalancer', { spec, vpc });
  const cdn = new AwsCdn(stack, 'Cdn', {
    spec,
    loadBalancer: lb.loadBalancer,
    ...(lb.originSecret ? { originSecret: lb.originSecret } : {}),
    ...(lb.certificate ? { loadBalancerCertificate: lb.certificate } : {}),
  });
  return { cdn, template: Template.fromStack(stack) };
}

const config = (template: Template) => {
  const [d] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
  if (!d) throw new Error('no distribution');
  return d.Properties.DistributionConfig;
};

// Managed policy ids (AWS documented, stable).
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER = '216adef6-5c7f-47e4-b989-5492eafa07d3';

const withHttps = {
  cdn: { enabled: true, cachedPaths: ['/static/*', '/images/*'] },
  loadBalancer: { https: { domain: 'api.example.com' } },
};

describe('AwsCdn', () => {
  test('GIVEN cached paths WHEN built THEN they are cached with CachingOptimized and compressed', () => {
    const { template } = build(resolved('prod', withHttps));
    const behaviors = config(template).CacheBehaviors;
    expect(behaviors.map((b: { PathPattern: string }) => b.PathPattern)).toEqual(['/static/*', '/images/*']);
    for (const b of behaviors) {
      expect(b).toMatchObject({
        CachePolicyId: CACHING_OPTIMIZED,
        Compress: true,
        ViewerProtocolPolicy: 'redirect-to-https',
      });
    }
  });

  test('GIVEN https and cached paths WHEN built THEN they forward the viewer Host (the ALB certificate matches it) and nothing the cache key ignores', () => {
    const { template, cdn } = build(resolved('prod', withHttps));
    template.resourceCountIs('AWS::CloudFront::OriginRequestPolicy', 1);
    template.hasResourceProperties('AWS::CloudFront::OriginRequestPolicy', {
      OriginRequestPolicyConfig: Match.objectLike({
        HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Host'] },
        CookiesConfig: { CookieBehavior: 'none' },
        QueryStringsConfig: { QueryStringBehavior: 'none' },
      }),
    });
    const policyId = Stack.of(cdn).resolve(cdn.cachedOriginRequestPolicy.originRequestPolicyId);
    const behaviors = config(template).CacheBehaviors as Array<{ OriginRequestPolicyId: unknown }>;
    expect(behaviors).toHaveLength(2);
    for (const b of behaviors) expect(b.OriginRequestPolicyId).toEqual(policyId);
  });

  test('GIVEN the default behaviour WHEN built THEN everything else passes uncached with all viewer values', () => {
    const { template } = build(resolved('prod', withHttps));
    expect(config(template).DefaultCacheBehavior).toMatchObject({
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER,
      Compress: true,
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
    });
  });

  test('GIVEN https in us-east-1 WHEN built THEN the domain is served with the ALB certificate, TLS 1.2+, HTTPS to the origin', () => {
    const { cdn, template } = build(resolved('prod', withHttps));
    expect(config(template)).toMatchObject({
      Aliases: ['api.example.com'],
      ViewerCertificate: {
        AcmCertificateArn: { Ref: expect.stringMatching(/^LoadBalancerCertificate/) },
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      },
      Logging: { Bucket: { 'Fn::GetAtt': [expect.stringMatching(/^CdnLogs/), 'RegionalDomainName'] }, Prefix: 'cdn/' },
      HttpVersion: 'http2and3',
    });
    const origin = config(template).Origins[0];
    expect(origin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    expect(origin.OriginCustomHeaders).toEqual([{ HeaderName: ORIGIN_VERIFY_HEADER, HeaderValue: expect.anything() }]);
    expect(cdn.url).toBe('https://api.example.com');
  });

  test('GIVEN no https WHEN built THEN viewers use the cloudfront.net name and the origin is HTTP', () => {
    const { cdn, template } = build(resolved('staging', { cdn: { enabled: true } }));
    expect(config(template).Aliases).toBeUndefined();
    expect(config(template).Origins[0].CustomOriginConfig.OriginProtocolPolicy).toBe('http-only');
    expect(Stack.of(cdn).resolve(cdn.url)).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^CdnDistribution/), 'DomainName'] }]],
    });
  });

  test('GIVEN https outside us-east-1 without a us-east-1 certificate WHEN built THEN it fails with what to set', () => {
    expect(() => build(resolved('prod', { ...withHttps, regions: { aws: 'eu-west-1' } }))).toThrow(
      /certificate\.aws to be an ACM certificate in us-east-1/,
    );
  });

  test('GIVEN a us-east-1 certificate ARN and another region WHEN built THEN CloudFront uses it, the ALB gets its own', () => {
    const arn = 'arn:aws:acm:us-east-1:111111111111:certificate/edge';
    const { template } = build(
      resolved('prod', {
        cdn: { enabled: true },
        regions: { aws: 'eu-west-1' },
        loadBalancer: { https: { domain: 'api.example.com', certificate: { aws: arn } } },
      }),
    );
    expect(config(template).ViewerCertificate.AcmCertificateArn).toBe(arn);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 1);
  });

  test('GIVEN waf and the CDN in us-east-1 WHEN built THEN a CLOUDFRONT-scope ACL on the distribution applies IP reputation and the per-IP rate limit to the real viewer address', () => {
    const { template, cdn } = build(resolved('prod', withHttps));
    const acl = Object.values(template.findResources('AWS::WAFv2::WebACL')).find(
      (a) => a.Properties.Scope === 'CLOUDFRONT',
    );
    expect(acl?.Properties).toMatchObject({ Name: 'shop-api-prd-waf-edge', DefaultAction: { Allow: {} } });
    expect(acl?.Properties.Rules).toEqual([
      expect.objectContaining({
        Name: 'AWSManagedRulesAmazonIpReputationList',
        Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' } },
      }),
      expect.objectContaining({
        Name: 'AWSManagedRulesKnownBadInputsRuleSet',
        Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
      }),
      expect.objectContaining({
        Name: 'RateLimitPerIp',
        Action: { Block: {} },
        Statement: { RateBasedStatement: { Limit: 2000, EvaluationWindowSec: 300, AggregateKeyType: 'IP' } },
      }),
    ]);
    expect(config(template).WebACLId).toEqual(Stack.of(cdn).resolve(cdn.webAcl?.attrArn));
  });

  test.each([
    [
      'outside us-east-1',
      {
        regions: { aws: 'eu-west-1' },
        loadBalancer: {
          https: {
            domain: 'api.example.com',
            certificate: { aws: 'arn:aws:acm:us-east-1:111111111111:certificate/edge' },
          },
        },
      },
      /can only be created in us-east-1 and this stack is in eu-west-1.*X-Forwarded-For/,
    ],
    ['with the WAF off', { loadBalancer: { waf: false } }, /loadBalancer\.waf is false/],
  ] as const)(
    'GIVEN the CDN %s WHEN built THEN the distribution has no web ACL and CFR2 says why for that case',
    (_n, patch, reason) => {
      const { template, cdn } = build(resolved('prod', { cdn: { enabled: true }, ...patch } as never));
      expect(cdn.webAcl).toBeUndefined();
      template.resourceCountIs('AWS::WAFv2::WebACL', 'waf' in patch.loadBalancer ? 0 : 1);
      expect(config(template).WebACLId).toBeUndefined();
      const cfr2 = acknowledgements(cdn).find((a) => a.id === 'AwsSolutions-CFR2');
      expect(cfr2?.reason).toMatch(reason);
    },
  );

  test('GIVEN the log bucket WHEN built THEN it is private and TLS-only with ACLs kept for CloudFront delivery', () => {
    const { template } = build(resolved('prod', withHttps));
    template.hasResourceProperties('AWS::S3::Bucket', {
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
    });
  });
});
