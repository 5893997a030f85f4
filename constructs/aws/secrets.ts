import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';

/** Props of {@link AwsSecrets}. */
export interface AwsSecretsProps {
  /** The resolved spec. */
  readonly spec: ResolvedSpec;
  /**
   * An existing key to use instead of creating one; it must let CloudWatch Logs and CloudWatch
   * alarms (SNS) use it, as the created key's policy does.
   * @default - a new customer managed key with yearly rotation
   */
  readonly key?: kms.IKey;
  /** Per-resource overrides, applied last. @default - none */
  readonly overrides?: {
    /** Props of the KMS key. @default - none */
    readonly key?: Override<kms.KeyProps>;
  };
}

/**
 * The key home of the stack: one customer managed KMS key that encrypts the data tier
 * (Aurora storage and Performance Insights, ElastiCache at rest, Secrets Manager secrets),
 * the log groups and the alarm topic. A customer managed key (rather than AWS managed keys)
 * is what lets CloudWatch alarms publish to an encrypted topic, lets logs be encrypted at all,
 * and gives one place to audit and revoke access to the data.
 */
export class AwsSecrets extends Construct {
  /** The data key. */
  public readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: AwsSecretsProps) {
    super(scope, id);
    const { spec } = props;
    if (props.key) {
      this.key = props.key;
      return;
    }
    const stack = Stack.of(this);
    const key = new kms.Key(
      this,
      'DataKey',
      applyOverride<kms.KeyProps>(
        {
          description: `Data key of ${spec.names.base}: databases, cache, secrets, logs and alarms`,
          enableKeyRotation: true,
          // Deleting the key makes every snapshot and backup encrypted with it unreadable.
          removalPolicy: RemovalPolicy.RETAIN,
          pendingWindow: Duration.days(30),
        },
        props.overrides?.key,
      ),
    );
    // CloudWatch Logs encrypts log groups with this key; scoped to this account's log groups.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogs',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
          },
        },
      }),
    );
    // CloudWatch alarms and EventBridge (scaling events) publish to the KMS-encrypted alarm topic.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAlarmPublishers',
        principals: [
          new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
          new iam.ServicePrincipal('events.amazonaws.com'),
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    // Grants only for AWS services acting on resources (RDS, ElastiCache, Secrets Manager),
    // never handed out directly (Control Tower CT.KMS.PR.3).
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyGrantsExceptForAwsServices',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
    this.key = key;
  }
}
