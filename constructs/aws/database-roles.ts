import { createHash } from 'node:crypto';
import { CfnResource, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, type IConstruct, type IDependable } from 'constructs';
import { APP_USER, APP_USER_CLONE, appRoleStatements } from '../../lib/database-roles';
import { LOG_RETENTION } from './network';
import { acknowledge, dropRedundantDependsOn, GUARD } from './policy';

/*
 * The app's own database login on AWS (lib/database-roles.ts): the role statements run once per
 * shard through the RDS Data API with the ADMIN secret (AwsCustomResource, one ExecuteStatement
 * per statement; no Lambda in the VPC, no password in the template), then app_user gets the
 * app secret's generated password, and Secrets Manager's hosted multi-user rotation takes over:
 * it creates app_user_clone on its first run (right after creation) and alternates between the
 * two, so connections opened with the previous secret keep working.
 *
 * The password step is its own small function: the multi-user rotation logs in with the
 * secret's current credentials before it changes anything (its confused-deputy check), so
 * app_user must already have the secret's password, and CloudFormation resolves no
 * secretsmanager reference inside a custom resource, so a single SDK call cannot pass it.
 */

/** Why the bootstrap functions stay outside the VPC (Control Tower CT.LAMBDA.PR.3). */
const OUTSIDE_VPC =
  'Calls AWS APIs only (RDS Data API, Secrets Manager) over HTTPS and never opens a database connection: outside the VPC it needs no ENIs, no NAT path and no security group rule into the database.';

/** Days between rotations of the app's password. */
export const APP_ROTATION_DAYS = 30;

/** Construct id of the per-stack functions' shared pieces (role, log group, password function). */
const RUNNER_ID = 'DatabaseBootstrap';

/**
 * The role statements tagged with a digest of the whole set: a change to any statement changes
 * every custom resource, so CloudFormation runs them all again, in order.
 */
export function taggedStatements(statements: readonly string[] = appRoleStatements({ withClone: false })): string[] {
  const digest = createHash('sha256').update(statements.join('\n')).digest('hex').slice(0, 12);
  return statements.map((sql) => `/* blueprint app role ${digest} */ ${sql}`);
}

/**
 * Sets the password of the login the app secret currently names (app_user or app_user_clone)
 * to the secret's password, inside one Data API transaction: the password travels as a bind
 * parameter into a transaction-local setting, never into statement text or the logs
 * (log_statement 'ddl' does not log DO, and never the statements a DO block runs).
 */
export const PASSWORD_FUNCTION = `
const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
const rdsData = require('@aws-sdk/client-rds-data');
const USERS = ${JSON.stringify([APP_USER, APP_USER_CLONE])};
exports.handler = async (event) => {
  let status = 'SUCCESS';
  let reason = 'done';
  try {
    if (event.RequestType !== 'Delete') await setPassword(event.ResourceProperties);
  } catch (e) {
    status = 'FAILED';
    reason = String((e && e.message) || e).slice(0, 500);
  }
  await fetch(event.ResponseURL, {
    method: 'PUT',
    headers: { 'content-type': '' },
    body: JSON.stringify({
      Status: status, Reason: reason, PhysicalResourceId: event.PhysicalResourceId || event.LogicalResourceId,
      StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
    }),
  });
};
async function setPassword(p) {
  const value = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: p.AppSecretArn }));
  const secret = JSON.parse(value.SecretString);
  if (!USERS.includes(secret.username)) throw new Error('the app secret names ' + secret.username + ', not ' + USERS.join(' or '));
  const rds = new rdsData.RDSDataClient({});
  const target = { resourceArn: p.ClusterArn, secretArn: p.AdminSecretArn };
  const { transactionId } = await rds.send(new rdsData.BeginTransactionCommand({ ...target, database: p.Database }));
  const run = (sql, parameters) => rds.send(new rdsData.ExecuteStatementCommand({ ...target, database: p.Database, transactionId, sql, parameters }));
  try {
    await run("SELECT set_config('blueprint.password', :password, true)", [{ name: 'password', value: { stringValue: secret.password } }]);
    await run("DO $$ BEGIN EXECUTE format('ALTER ROLE %I WITH PASSWORD %L', '" + secret.username + "', current_setting('blueprint.password')); END $$");
    await rds.send(new rdsData.CommitTransactionCommand({ ...target, transactionId }));
  } catch (e) {
    await rds.send(new rdsData.RollbackTransactionCommand({ ...target, transactionId })).catch(() => undefined);
    throw e;
  }
}
`;

/**
 * What every shard's bootstrap shares, once per stack: the execution role (scoped per shard by
 * {@link DatabaseBootstrap.allow}), an encrypted log group, and the password function. The
 * AwsCustomResource provider is itself a per-stack singleton and uses this role.
 */
export class DatabaseBootstrap extends Construct {
  /** Role of the statement provider and the password function. */
  public readonly role: iam.Role;
  /** Log group both functions write to. */
  public readonly logGroup: logs.LogGroup;
  /** The password function (a custom resource provider). */
  public readonly passwordFunction: lambda.Function;
  private providerAdopted = false;

  /** The stack's bootstrap, created by the first shard that needs it. */
  static of(scope: IConstruct, key: kms.IKey): DatabaseBootstrap {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(RUNNER_ID) as DatabaseBootstrap | undefined) ?? new DatabaseBootstrap(stack, key);
  }

  private constructor(stack: Stack, key: kms.IKey) {
    super(stack, RUNNER_ID);
    this.logGroup = new logs.LogGroup(this, 'Log', { retention: LOG_RETENTION, encryptionKey: key });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${stack.stackName}: runs the app role statements and sets the app password through the RDS Data API`,
    });
    this.logGroup.grantWrite(this.role);
    this.passwordFunction = new lambda.Function(this, 'Password', {
      description: 'Gives app_user the password of its secret (RDS Data API, admin secret), before the first rotation',
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(PASSWORD_FUNCTION),
      role: this.role,
      logGroup: this.logGroup,
      timeout: Duration.minutes(2),
      memorySize: 256,
    });
    DatabaseBootstrap.tidy(this.passwordFunction, this.role);
  }

  /**
   * A bootstrap function: outside the VPC on purpose, and its DependsOn without the role that
   * its Role GetAtt already waits for (aws-cdk-lib adds both the role and its policy).
   */
  static tidy(fn: IConstruct, role: iam.Role): void {
    acknowledge(fn, { [`${GUARD}lambda_inside_vpc_check`]: OUTSIDE_VPC });
    const resource = fn.node.defaultChild;
    if (resource instanceof CfnResource) dropRedundantDependsOn(resource, [role.node.defaultChild as CfnResource]);
  }

  /** The AwsCustomResource provider (a per-stack singleton created by the first statement), tidied once. */
  public adoptStatementProvider(): void {
    if (this.providerAdopted) return;
    const id = `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;
    const provider = Stack.of(this).node.tryFindChild(id);
    if (!provider) return;
    DatabaseBootstrap.tidy(provider, this.role);
    this.providerAdopted = true;
  }

  /** Lets both functions run SQL on `cluster` with `admin`, and read the `app` secret. */
  public allow(
    cluster: rds.IDatabaseCluster,
    admin: secretsmanager.ISecret,
    app: secretsmanager.ISecret,
    key: kms.IKey,
  ): void {
    const stack = Stack.of(this);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'rds-data:ExecuteStatement',
          'rds-data:BeginTransaction',
          'rds-data:CommitTransaction',
          'rds-data:RollbackTransaction',
        ],
        resources: [cluster.clusterArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [admin.secretArn, app.secretArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
      }),
    );
  }
}

/** Props of {@link AwsAppCredentials}. */
export interface AwsAppCredentialsProps {
  /** The shard's cluster, with the Data API enabled (every size: none is a T class, which lacks it). */
  readonly cluster: rds.DatabaseCluster;
  /** The writer instance the statements wait for. */
  readonly writer: IDependable;
  /** The admin secret (attached to the cluster): the statements and the rotation log in with it. */
  readonly adminSecret: secretsmanager.ISecret;
  /** Database the app uses. */
  readonly databaseName: string;
  /** Key of the secret and the logs. */
  readonly key: kms.IKey;
  /** The VPC of the rotation function, which connects to the database. */
  readonly vpc: ec2.IVpc;
  /** Subnets of the rotation function; they must reach the Secrets Manager API. */
  readonly rotationSubnets: ec2.SubnetSelection;
}

/**
 * One shard's application login: the app secret (username app_user, host, port, dbname,
 * engine from the cluster attachment, masterarn = the admin secret), the role statements, the
 * first password, and the multi-user rotation. {@link ready} is what a consumer waits for.
 */
export class AwsAppCredentials extends Construct {
  /** The app secret, attached to the cluster (DATABASE_SECRET points here). */
  public readonly secret: secretsmanager.ISecret;
  /** One custom resource per role statement, in order. */
  public readonly statements: cr.AwsCustomResource[];
  /** Sets app_user's first password. */
  public readonly password: CustomResource;
  /** Multi-user rotation of the app secret (rotates right after creation). */
  public readonly rotation: secretsmanager.RotationSchedule;
  /** The hosted rotation function's connections (it needs PostgreSQL on the cluster). */
  public readonly rotationFunction: secretsmanager.HostedRotation;
  /** Done when the login exists with the secret's password. */
  public readonly ready: IDependable;

  constructor(scope: Construct, id: string, props: AwsAppCredentialsProps) {
    super(scope, id);
    const { cluster, adminSecret, key } = props;
    const generated = new rds.DatabaseSecret(this, 'Secret', {
      username: APP_USER,
      dbname: props.databaseName,
      masterSecret: adminSecret,
      encryptionKey: key,
    });
    this.secret = generated.attach(cluster);
    const bootstrap = DatabaseBootstrap.of(this, key);
    bootstrap.allow(cluster, adminSecret, this.secret, key);

    const target = { resourceArn: cluster.clusterArn, secretArn: adminSecret.secretArn, database: props.databaseName };
    let previous: IDependable = props.writer;
    this.statements = taggedStatements().map((sql, i) => {
      const call: cr.AwsSdkCall = {
        service: 'rds-data',
        action: 'ExecuteStatement',
        parameters: { ...target, sql },
        physicalResourceId: cr.PhysicalResourceId.of(`${cluster.clusterIdentifier}-app-role-${i + 1}`),
        outputPaths: ['numberOfRecordsUpdated'],
      };
      const statement = new cr.AwsCustomResource(this, `Statement${i + 1}`, {
        resourceType: 'Custom::DatabaseStatement',
        onCreate: call,
        onUpdate: call,
        role: bootstrap.role,
        logGroup: bootstrap.logGroup,
        installLatestAwsSdk: false,
        timeout: Duration.minutes(2),
      });
      statement.node.addDependency(previous);
      previous = statement;
      return statement;
    });

    this.password = new CustomResource(this, 'Password', {
      resourceType: 'Custom::DatabaseAppPassword',
      serviceToken: bootstrap.passwordFunction.functionArn,
      properties: {
        ClusterArn: cluster.clusterArn,
        AdminSecretArn: adminSecret.secretArn,
        AppSecretArn: this.secret.secretArn,
        Database: props.databaseName,
      },
    });
    this.password.node.addDependency(previous, bootstrap.role);

    this.rotationFunction = secretsmanager.HostedRotation.postgreSqlMultiUser({
      masterSecret: adminSecret,
      vpc: props.vpc,
      vpcSubnets: props.rotationSubnets,
    });
    this.rotation = this.secret.addRotationSchedule('Rotation', {
      hostedRotation: this.rotationFunction,
      automaticallyAfter: Duration.days(APP_ROTATION_DAYS),
    });
    // The first rotation logs in with the secret's password: app_user must have it by then.
    this.rotation.node.addDependency(this.password);
    this.ready = this.password;
    bootstrap.adoptStatementProvider();
  }
}
