import {
  accepts,
  type BaselineEntry,
  compare,
  compareCrashes,
  coversResource,
  crashedChecks,
  type Finding,
  UNDECIDED,
} from '../../scripts/scan-baseline';

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

describe('checks checkov raises on', () => {
  // The shape checkov 3.3.30 logs with LOG_LEVEL=ERROR: a dated line, then the traceback.
  const log = [
    '2026-12-02 00:25:39,018 [MainThread  ] [ERROR]  Failed to run check CKV_GCP_73 on /out/scan/prod/terraform/stacks/shop-api-prod-gcp/cdk.tf.json:google_compute_security_policy.load-balancer_security-policy_B39B0B24',
    'Traceback (most recent call last):',
    '  File "/x/base_check.py", line 68, in run',
    '    g1[1] for g1 in self.graph.nodes()',
    "AttributeError: 'NoneType' object has no attribute 'nodes'",
    '2026-12-02 00:25:39,028 [MainThread  ] [ERROR]  Failed to run check CKV_GCP_54 on /out/scan/dev/terraform/stacks/shop-api-dev-gcp/cdk.tf.json:google_sql_database_instance.database_primary_D3810515',
    'Traceback (most recent call last):',
    "TypeError: 'int' object is not subscriptable",
    '2026-12-02 00:25:39,030 [MainThread  ] [ERROR]  Some other error line',
    '',
  ].join('\n');

  it("GIVEN checkov's log WHEN read THEN each failed check is named with its file, resource and exception, and other errors are not", () => {
    expect(crashedChecks(log)).toEqual([
      {
        check: 'CKV_GCP_73',
        file: '/out/scan/prod/terraform/stacks/shop-api-prod-gcp/cdk.tf.json',
        resource: 'google_compute_security_policy.load-balancer_security-policy_B39B0B24',
        error: "AttributeError: 'NoneType' object has no attribute 'nodes'",
      },
      {
        check: 'CKV_GCP_54',
        file: '/out/scan/dev/terraform/stacks/shop-api-dev-gcp/cdk.tf.json',
        resource: 'google_sql_database_instance.database_primary_D3810515',
        error: "TypeError: 'int' object is not subscriptable",
      },
    ]);
    expect(crashedChecks('')).toEqual([]);
  });

  it('GIVEN the notes WHEN compared with the crashes THEN an unlisted crash and a note nothing crashes on both show (the scan fails on either)', () => {
    const crashed = crashedChecks(log);
    const { unexplained, staleNotes } = compareCrashes({ CKV_GCP_54: 'sets it', CKV_GCP_57: 'on purpose' }, crashed);
    expect(unexplained.map((c) => c.check)).toEqual(['CKV_GCP_73']);
    expect(staleNotes).toEqual(['CKV_GCP_57']);
    expect(compareCrashes({ CKV_GCP_54: 'x', CKV_GCP_73: 'y' }, crashed)).toEqual({ unexplained: [], staleNotes: [] });
  });

  it('GIVEN the committed notes THEN each says what its check would decide', () => {
    expect(Object.keys(UNDECIDED).sort()).toEqual(['CKV_GCP_54', 'CKV_GCP_57']);
    for (const note of Object.values(UNDECIDED)) expect(note).toMatch(/^wants .+: .{20,}/);
  });
});
