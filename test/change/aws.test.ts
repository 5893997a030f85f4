import type { CfnResource, CfnTemplate, Change } from '../../lib/change/types';
import { changeReport } from '../../stacks/change';

/*
 * CloudFormation through the model: @aws-cdk/cloudformation-diff for what replaces, then the
 * rules beyond the schema (custom names, deletion policies and protection, update effects), on
 * small templates of the types the AWS stack emits.
 */

const template = (Resources: Record<string, CfnResource>): CfnTemplate => ({ Resources });
const aws = (before: CfnTemplate, after: CfnTemplate): Change[] =>
  changeReport({ outputs: { aws: before } }, { outputs: { aws: after } }, ['aws']).clouds.aws?.changes ?? [];
const one = (before: CfnTemplate, after: CfnTemplate, id: string) => aws(before, after).find((c) => c.resource === id);

const proxy = (subnets: string[], name?: string): CfnResource => ({
  Type: 'AWS::RDS::DBProxy',
  Properties: {
    ...(name ? { DBProxyName: name } : {}),
    EngineFamily: 'POSTGRESQL',
    RoleArn: 'arn:aws:iam::1:role/p',
    Auth: [{ AuthScheme: 'SECRETS', SecretArn: 'arn:s' }],
    VpcSubnetIds: subnets,
  },
});

const cluster = (extra: Partial<CfnResource>, props: Record<string, unknown> = {}): CfnResource => ({
  Type: 'AWS::RDS::DBCluster',
  Properties: { Engine: 'aurora-postgresql', EngineVersion: '16.4', ...props },
  ...extra,
});

describe('replacement of a custom-named resource', () => {
  test('GIVEN a named RDS Proxy WHEN its subnets change THEN the update fails (CloudFormation cannot replace it)', () => {
    const c = one(
      template({ P: proxy(['a', 'b'], 'db-proxy') }),
      template({ P: proxy(['a', 'b', 'c'], 'db-proxy') }),
      'P',
    );
    expect(c).toMatchObject({
      action: 'fails',
      risk: 'fails',
      attributes: ['VpcSubnetIds'],
      rules: ['aws-custom-name'],
    });
    expect(c?.advice).toContain('DBProxyName');
  });

  test('GIVEN a proxy without a custom name THEN the same change is a replacement (new endpoint: downtime)', () => {
    const c = one(template({ P: proxy(['a', 'b']) }), template({ P: proxy(['a', 'b', 'c']) }), 'P');
    expect(c).toMatchObject({ action: 'replace', risk: 'downtime', attributes: ['VpcSubnetIds'] });
  });
});

describe('deletes', () => {
  test('GIVEN DeletionPolicy Retain THEN a removed cluster is a delete with risk none and the billing advice', () => {
    const c = one(template({ C: cluster({ DeletionPolicy: 'Retain' }) }), template({}), 'C');
    expect(c).toMatchObject({ action: 'delete', risk: 'none', rules: ['aws-retain'] });
    expect(c?.advice).toContain('billing');
  });

  test('GIVEN deletion protection (and Snapshot) THEN the delete fails', () => {
    const c = one(
      template({ C: cluster({ DeletionPolicy: 'Snapshot' }, { DeletionProtection: true }) }),
      template({}),
      'C',
    );
    expect(c).toMatchObject({ action: 'fails', risk: 'fails', rules: ['aws-deletion-protection'] });
  });

  test('GIVEN Snapshot without protection THEN the data survives in a snapshot (downtime); Delete loses it', () => {
    expect(one(template({ C: cluster({ DeletionPolicy: 'Snapshot' }) }), template({}), 'C')).toMatchObject({
      action: 'delete',
      risk: 'downtime',
    });
    expect(one(template({ C: cluster({ DeletionPolicy: 'Delete' }) }), template({}), 'C')).toMatchObject({
      action: 'delete',
      risk: 'data-loss',
    });
  });
});

describe('update effects', () => {
  test('GIVEN a new DBInstanceClass THEN the instance restarts (downtime)', () => {
    const db = (cls: string): CfnResource => ({
      Type: 'AWS::RDS::DBInstance',
      Properties: { DBClusterIdentifier: 'c', DBInstanceClass: cls, Engine: 'aurora-postgresql' },
    });
    expect(one(template({ W: db('db.r6g.large') }), template({ W: db('db.r6g.xlarge') }), 'W')).toMatchObject({
      action: 'restart',
      risk: 'downtime',
      attributes: ['DBInstanceClass'],
    });
  });

  test('GIVEN a launch template change THEN a group with an instance refresh policy rolls (via LatestVersionNumber)', () => {
    const lt = (type: string): CfnResource => ({
      Type: 'AWS::EC2::LaunchTemplate',
      Properties: { LaunchTemplateData: { InstanceType: type } },
    });
    const asg: CfnResource = {
      Type: 'AWS::AutoScaling::AutoScalingGroup',
      Properties: {
        MinSize: '1',
        MaxSize: '2',
        LaunchTemplate: { LaunchTemplateId: { Ref: 'LT' }, Version: { 'Fn::GetAtt': ['LT', 'LatestVersionNumber'] } },
      },
      UpdatePolicy: { AutoScalingInstanceRefresh: { Strategy: 'Rolling' } },
    };
    const changes = aws(template({ LT: lt('m7i.large'), G: asg }), template({ LT: lt('m7i.xlarge'), G: asg }));
    expect(changes.find((c) => c.resource === 'G')).toMatchObject({
      action: 'rolling',
      risk: 'none',
      attributes: ['LaunchTemplate'],
    });
    expect(changes.find((c) => c.resource === 'LT')).toMatchObject({ action: 'update' });
  });

  test('GIVEN a major EngineVersion change THEN it fails without AllowMajorVersionUpgrade and restarts with it', () => {
    expect(
      one(template({ C: cluster({}) }), template({ C: cluster({}, { EngineVersion: '17.2' }) }), 'C'),
    ).toMatchObject({
      action: 'fails',
      rules: ['aws-aurora-major'],
    });
    const allowed = cluster({}, { EngineVersion: '17.2', AllowMajorVersionUpgrade: true });
    expect(
      one(template({ C: cluster({}, { AllowMajorVersionUpgrade: true }) }), template({ C: allowed }), 'C'),
    ).toMatchObject({
      action: 'restart',
      risk: 'downtime',
    });
    // A minor version is an ordinary update.
    expect(
      one(template({ C: cluster({}) }), template({ C: cluster({}, { EngineVersion: '16.6' }) }), 'C'),
    ).toMatchObject({
      action: 'update',
      risk: 'none',
    });
  });

  test('GIVEN a new cache node type THEN online scaling: an update with the brief pause named', () => {
    const rg = (type: string): CfnResource => ({
      Type: 'AWS::ElastiCache::ReplicationGroup',
      Properties: { ReplicationGroupDescription: 'c', CacheNodeType: type, Engine: 'valkey' },
    });
    const c = one(template({ R: rg('cache.r7g.large') }), template({ R: rg('cache.r7g.xlarge') }), 'R');
    expect(c).toMatchObject({ action: 'update', risk: 'none', rules: ['aws-elasticache-node-type'] });
    expect(c?.reason).toContain('brief write pause');
  });
});

describe('custom resources (the app login’s role statements and password step)', () => {
  const statement = (sql: string, token = 'Provider'): CfnResource => ({
    Type: 'Custom::DatabaseStatement',
    Properties: { ServiceToken: { 'Fn::GetAtt': [token, 'Arn'] }, Create: sql, Update: sql },
  });
  const fn = (code: string, name?: string): CfnResource => ({
    Type: 'AWS::Lambda::Function',
    Properties: { Code: { ZipFile: code }, Role: 'arn:aws:iam::1:role/r', ...(name ? { FunctionName: name } : {}) },
  });

  test('GIVEN a changed statement THEN CloudFormation asks the provider to update (never a replacement), risk none', () => {
    const c = one(
      template({ Provider: fn('a'), S: statement('GRANT a') }),
      template({ Provider: fn('a'), S: statement('GRANT b') }),
      'S',
    );
    expect(c).toMatchObject({
      action: 'update',
      risk: 'none',
      attributes: ['Create', 'Update'],
      rules: ['aws-custom-resource'],
    });
    expect(c?.reason).toContain('sends its provider an Update');
  });

  test('GIVEN the provider function is replaced THEN the new ServiceToken is refused: the update fails', () => {
    const changes = aws(
      template({ Provider: fn('a', 'p1'), S: statement('GRANT a') }),
      template({ Provider: fn('a', 'p2'), S: statement('GRANT a') }),
    );
    expect(changes.find((c) => c.resource === 'Provider')).toMatchObject({ action: 'replace' });
    expect(changes.find((c) => c.resource === 'S')).toMatchObject({
      action: 'fails',
      attributes: ['ServiceToken'],
      rules: ['aws-custom-resource'],
    });
  });
});

describe('the Data API follows the instance class', () => {
  test('GIVEN EnableHttpEndpoint false → true THEN an update that says the app login comes with it', () => {
    const c = one(
      template({ C: cluster({}, { EnableHttpEndpoint: false }) }),
      template({ C: cluster({}, { EnableHttpEndpoint: true }) }),
      'C',
    );
    expect(c).toMatchObject({ action: 'update', risk: 'none', rules: ['aws-data-api'] });
    expect(c?.reason).toContain('app login');
  });

  test('GIVEN EnableHttpEndpoint true → false THEN the advice says the app would run as the admin', () => {
    const c = one(
      template({ C: cluster({}, { EnableHttpEndpoint: true }) }),
      template({ C: cluster({}, { EnableHttpEndpoint: false }) }),
      'C',
    );
    expect(c?.advice).toContain('app runs as the database admin');
  });
});
