import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsDatabase, databaseId } from '../../../constructs/aws/database';
import { PASSWORD_FUNCTION, taggedStatements } from '../../../constructs/aws/database-roles';
import { AwsNetwork } from '../../../constructs/aws/network';
import { AwsSecrets } from '../../../constructs/aws/secrets';
import { APP_USER, appRoleStatements } from '../../../lib/database-roles';
import type { ResolvedSpec } from '../../../lib/resolve';
import { awsAppContext } from '../../../stacks/aws-stack';
import { resolved } from '../../fixtures';

/* The app's own login on AWS: role statements through the Data API, first password, multi-user rotation. */

function build(spec: ResolvedSpec) {
  const app = new App({ context: awsAppContext(), builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: { region: spec.regions.aws } });
  const { key } = new AwsSecrets(stack, 'Secrets', { spec });
  const { vpc } = new AwsNetwork(stack, 'Network', { spec, key });
  const shard = spec.database.shards[0];
  if (!shard) throw new Error('no shard');
  const db = new AwsDatabase(stack, databaseId(shard), { spec, shard, vpc, key });
  db.allowFrom(new ec2.SecurityGroup(stack, 'App', { vpc }));
  return { db, stack, template: Template.fromStack(stack) };
}

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
const resources = (t: Template) => t.toJSON().Resources as Record<string, Resource>;
const ofType = (t: Template, type: string) => Object.entries(resources(t)).filter(([, r]) => r.Type === type);

/** The SQL of a statement custom resource (its Create call, rendered with placeholders for tokens). */
function sqlOf(resource: Resource): string {
  const create = resource.Properties.Create as { 'Fn::Join': [string, unknown[]] };
  const text = create['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : '<ref>')).join('');
  return (JSON.parse(text) as { parameters: { sql: string } }).parameters.sql;
}

describe('AWS app login', () => {
  const { template, db, stack } = build(resolved('prod'));
  const statements = ofType(template, 'Custom::DatabaseStatement');

  test('GIVEN a medium database WHEN built THEN the Data API is on and each app role statement runs once, in order, after the writer', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', { EnableHttpEndpoint: true });
    expect(statements.map(([, r]) => sqlOf(r))).toEqual(taggedStatements(appRoleStatements({ withClone: false })));
    const [writer] = ofType(template, 'AWS::RDS::DBInstance').find(([id]) => id.includes('Writer')) ?? [];
    expect(statements[0]?.[1].DependsOn).toContain(writer);
    statements.slice(1).forEach(([, r], i) => {
      expect(r.DependsOn).toContain(statements[i]?.[0]);
    });
    for (const [, r] of statements) {
      const call = JSON.stringify(r.Properties.Create);
      expect(call).toContain('\\"service\\":\\"rds-data\\",\\"action\\":\\"ExecuteStatement\\"');
      // The admin secret signs in; no password is in the template.
      expect(call).toContain('DatabaseClusterSecretAttachment');
      expect(sqlOf(r)).not.toMatch(/PASSWORD/i);
    }
  });

  test('GIVEN the statements WHEN any one changes THEN every custom resource changes, so all run again in order', () => {
    const base = appRoleStatements({ withClone: false });
    const changed = [...base.slice(0, -1), `${base.at(-1)} -- changed`];
    const before = taggedStatements(base);
    const after = taggedStatements(changed);
    before.forEach((sql, i) => {
      expect(after[i]).not.toBe(sql);
    });
    expect(taggedStatements(base)).toEqual(before);
  });

  test('GIVEN the app secret WHEN built THEN it names app_user and the admin secret, is attached to the cluster, and rotates multi-user right after the first password', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({
        SecretStringTemplate: {
          'Fn::Join': [
            '',
            [
              `{"username":"${APP_USER}","dbname":"app","masterarn":"`,
              { Ref: Match.stringLikeRegexp('^DatabaseClusterSecretAttachment') },
              '"}',
            ],
          ],
        },
        GenerateStringKey: 'password',
      }),
      KmsKeyId: Match.anyValue(),
    });
    const [rotationId, rotation] =
      ofType(template, 'AWS::SecretsManager::RotationSchedule').find(([id]) => id.startsWith('DatabaseAppSecret')) ??
      [];
    expect(rotation?.Properties).toMatchObject({
      SecretId: { Ref: expect.stringMatching(/^DatabaseAppSecretAttachment/) },
      HostedRotationLambda: expect.objectContaining({
        RotationType: 'PostgreSQLMultiUser',
        MasterSecretArn: { Ref: expect.stringMatching(/^DatabaseClusterSecretAttachment/) },
      }),
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
    const [passwordId, password] = ofType(template, 'Custom::DatabaseAppPassword')[0] ?? [];
    expect(rotation?.DependsOn).toContain(passwordId);
    expect(password?.DependsOn).toContain(statements.at(-1)?.[0]);
    expect(rotationId).toBeDefined();
    expect(stack.resolve(db.endpoints.secret)).toEqual({ Ref: expect.stringMatching(/^DatabaseAppSecretAttachment/) });
  });

  test('GIVEN the bootstrap role WHEN built THEN it reaches only this cluster, its two secrets and the key through Secrets Manager', () => {
    const [, policy] =
      ofType(template, 'AWS::IAM::Policy').find(([id]) => id.startsWith('DatabaseBootstrapRole')) ?? [];
    if (!policy) throw new Error('no bootstrap policy');
    const statementsOf = (policy.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement;
    expect(JSON.stringify(statementsOf)).not.toContain('"*"');
    const byAction = Object.fromEntries(statementsOf.map((s) => [[s.Action].flat().join(','), s]));
    expect(
      JSON.stringify(
        byAction[
          'rds-data:BeginTransaction,rds-data:CommitTransaction,rds-data:ExecuteStatement,rds-data:RollbackTransaction'
        ]?.Resource,
      ),
    ).toContain('DatabaseCluster5B53A178');
    expect(byAction['secretsmanager:DescribeSecret,secretsmanager:GetSecretValue']?.Resource).toEqual([
      { Ref: expect.stringMatching(/^DatabaseAppSecretAttachment/) },
      { Ref: expect.stringMatching(/^DatabaseClusterSecretAttachment/) },
    ]);
    expect(byAction['kms:Decrypt']).toMatchObject({
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
    });
    // Neither function runs in the VPC.
    for (const [, fn] of ofType(template, 'AWS::Lambda::Function')) expect(fn.Properties.VpcConfig).toBeUndefined();
  });

  test('GIVEN pooling WHEN built THEN the proxy accepts the app login (and the admin, for operators)', () => {
    const proxy = build(resolved('prod', { database: { connectionPooling: true } })).template;
    const [, p] = ofType(proxy, 'AWS::RDS::DBProxy')[0] ?? [];
    const auth = JSON.stringify(p?.Properties.Auth);
    expect(auth).toMatch(/DatabaseAppSecretAttachment/);
    expect(auth).toMatch(/DatabaseClusterSecretAttachment/);
  });

  test('GIVEN the dev preset (size small: Aurora Serverless v2) WHEN built THEN the Data API is on and the shard gets the same app login as every size', () => {
    const small = build(resolved('dev'));
    small.template.hasResourceProperties('AWS::RDS::DBCluster', {
      EnableHttpEndpoint: true,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 2 },
    });
    small.template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' });
    expect(ofType(small.template, 'Custom::DatabaseStatement').map(([, r]) => sqlOf(r))).toEqual(
      taggedStatements(appRoleStatements({ withClone: false })),
    );
    small.template.resourceCountIs('Custom::DatabaseAppPassword', 1);
    small.template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      HostedRotationLambda: Match.objectLike({ RotationType: 'PostgreSQLMultiUser' }),
    });
    expect(small.db.appSecret).toBe(small.db.appCredentials.secret);
    expect(small.db.appSecret).not.toBe(small.db.secret);
    expect(small.stack.resolve(small.db.endpoints.secret)).toEqual({
      Ref: expect.stringMatching(/^DatabaseAppSecretAttachment/),
    });
  });
});

/** Runs the password function's code with fake AWS clients; returns what it sent. */
async function runPasswordFunction(secret: Record<string, string>, requestType = 'Create') {
  const sent: Array<{ command: string; input: Record<string, unknown> }> = [];
  const command = (name: string) =>
    class {
      constructor(readonly input: Record<string, unknown>) {}
      readonly name = name;
    };
  const client = class {
    async send(c: { name: string; input: Record<string, unknown> }) {
      sent.push({ command: c.name, input: c.input });
      if (c.name === 'GetSecretValue') return { SecretString: JSON.stringify(secret) };
      if (c.name === 'BeginTransaction') return { transactionId: 'tx-1' };
      return {};
    }
  };
  const modules: Record<string, unknown> = {
    '@aws-sdk/client-secrets-manager': {
      SecretsManagerClient: client,
      GetSecretValueCommand: command('GetSecretValue'),
    },
    '@aws-sdk/client-rds-data': {
      RDSDataClient: client,
      BeginTransactionCommand: command('BeginTransaction'),
      ExecuteStatementCommand: command('ExecuteStatement'),
      CommitTransactionCommand: command('CommitTransaction'),
      RollbackTransactionCommand: command('RollbackTransaction'),
    },
  };
  const responses: Array<Record<string, unknown>> = [];
  const fetch = async (_url: string, init: { body: string }) => {
    responses.push(JSON.parse(init.body) as Record<string, unknown>);
    return {};
  };
  const exports: { handler?: (event: unknown) => Promise<void> } = {};
  new Function('require', 'exports', 'fetch', PASSWORD_FUNCTION)((m: string) => modules[m], exports, fetch);
  await exports.handler?.({
    RequestType: requestType,
    ResponseURL: 'https://example.invalid/response',
    StackId: 'stack',
    RequestId: 'req',
    LogicalResourceId: 'DatabaseAppPassword',
    ResourceProperties: {
      ClusterArn: 'arn:cluster',
      AdminSecretArn: 'arn:admin',
      AppSecretArn: 'arn:app',
      Database: 'app',
    },
  });
  return { sent, responses };
}

describe('AWS app password function', () => {
  test('GIVEN the app secret WHEN the resource is created THEN the password goes in as a bind parameter, the login named in the secret gets it, in one transaction', async () => {
    const { sent, responses } = await runPasswordFunction({ username: APP_USER, password: "it's-secret" });
    expect(sent.map((s) => s.command)).toEqual([
      'GetSecretValue',
      'BeginTransaction',
      'ExecuteStatement',
      'ExecuteStatement',
      'CommitTransaction',
    ]);
    const [, , bind, alter] = sent;
    expect(bind?.input).toMatchObject({
      secretArn: 'arn:admin',
      transactionId: 'tx-1',
      parameters: [{ name: 'password', value: { stringValue: "it's-secret" } }],
    });
    expect(String(alter?.input.sql)).toContain(
      `format('ALTER ROLE %I WITH PASSWORD %L', '${APP_USER}', current_setting('blueprint.password'))`,
    );
    expect(JSON.stringify(sent.slice(1).map((s) => s.input.sql))).not.toContain("it's-secret");
    expect(responses).toEqual([
      expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'DatabaseAppPassword' }),
    ]);
  });

  test('GIVEN a secret naming any other user WHEN the resource is created THEN nothing runs in the database and the resource fails', async () => {
    const { sent, responses } = await runPasswordFunction({ username: 'app_admin', password: 'x' });
    expect(sent.map((s) => s.command)).toEqual(['GetSecretValue']);
    expect(responses[0]).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('app_admin') });
  });

  test('GIVEN a delete WHEN the resource goes THEN nothing is read or run', async () => {
    const { sent, responses } = await runPasswordFunction({ username: APP_USER, password: 'x' }, 'Delete');
    expect(sent).toEqual([]);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS' });
  });
});
