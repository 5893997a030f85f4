import { accepts, type BaselineEntry, compare, coversResource, type Finding } from '../../scripts/scan-baseline';

describe('scan baseline patterns', () => {
  it.each([
    ['Listener\\.LoadBalancerHttp', 'AWS::ElasticLoadBalancingV2::Listener.LoadBalancerHttp17F42D87', true],
    // The review's case: the HTTP listener's entry must not accept a failure of the HTTPS listener.
    ['Listener\\.LoadBalancerHttp', 'AWS::ElasticLoadBalancingV2::Listener.LoadBalancerHttps6CC1B536', false],
    [
      'Listener\\.LoadBalancerHttp',
      'AWS::ElasticLoadBalancingV2::ListenerRule.LoadBalancerHttpsFromCdnRule483EF17E',
      false,
    ],
    ['SecurityGroup\\.LoadBalancerSecurityGroup', 'AWS::EC2::SecurityGroup.LoadBalancerSecurityGroupA28D6DD7', true],
    [
      'SecurityGroup\\.LoadBalancerSecurityGroup',
      'AWS::EC2::SecurityGroup.LoadBalancerSecurityGroupExtraA28D6DD7',
      false,
    ],
    ['LoadBalancer_Gateway', 'azurerm_application_gateway.LoadBalancer_Gateway_D1FA8AF1', true],
    ['LoadBalancer_Gateway', 'azurerm_application_gateway.OtherLoadBalancer_Gateway_D1FA8AF1', false],
    ['Secrets_[A-Za-z0-9-]+', 'azurerm_key_vault_secret.Secrets_Database-s1_9228CA3F', true],
    ['database_(primary|replica)[A-Za-z0-9-]*', 'google_sql_database_instance.database_replica-s1-r2_2B5C8FBF', true],
    ['database_(primary|replica)[A-Za-z0-9-]*', 'google_sql_database_instance.database_primary_D3810515', true],
    [
      'azurerm_postgresql_flexible_server\\.[A-Za-z0-9_-]+',
      'azurerm_postgresql_flexible_server.Database_Server_AB12CD34',
      true,
    ],
  ])('%s covers %s: %s', (pattern, resource, expected) => {
    expect(coversResource(pattern, resource)).toBe(expected);
  });

  const finding = (over: Partial<Finding>): Finding => ({
    cloud: 'aws',
    tool: 'checkov',
    check: 'CKV_AWS_2',
    name: 'x',
    resource: 'AWS::ElasticLoadBalancingV2::Listener.LoadBalancerHttp17F42D87',
    spec: 'examples/presets/dev.yaml',
    ...over,
  });
  const entry: BaselineEntry = {
    cloud: 'aws',
    check: 'CKV_AWS_2',
    resources: ['Listener\\.LoadBalancerHttp'],
    reason: 'r',
  };

  it('GIVEN an entry THEN it accepts its cloud, tool, check and resource only', () => {
    expect(accepts(entry, finding({}))).toBe(true);
    expect(accepts(entry, finding({ cloud: 'gcp' }))).toBe(false);
    expect(accepts(entry, finding({ tool: 'cfn-lint' }))).toBe(false);
    expect(accepts(entry, finding({ check: 'CKV_AWS_103' }))).toBe(false);
    expect(
      accepts(
        { ...entry, tool: 'cfn-lint', check: 'W3010', resources: undefined },
        finding({ tool: 'cfn-lint', check: 'W3010' }),
      ),
    ).toBe(true);
  });

  it('GIVEN findings THEN new ones and stale entries are reported', () => {
    const stale: BaselineEntry = { cloud: 'gcp', check: 'CKV_GCP_6', reason: 'r' };
    const result = compare([entry, stale], [finding({}), finding({ check: 'CKV_AWS_103' })]);
    expect(result.accepted.map((f) => f.check)).toEqual(['CKV_AWS_2']);
    expect(result.fresh.map((f) => f.check)).toEqual(['CKV_AWS_103']);
    expect(result.stale).toEqual([stale]);
  });
});
