import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSecrets } from '../../../constructs/aws/secrets';
import { awsAppContext } from '../../../stacks/aws-stack';
import { resolved } from '../../fixtures';

function stack() {
  const app = new App({ context: awsAppContext(), builtinCloudFormationValidation: false });
  return new Stack(app, 'Test', { env: { region: 'us-east-1' } });
}

describe('AwsSecrets', () => {
  test('GIVEN a spec WHEN built THEN one rotating, retained customer managed key is created', () => {
    const s = stack();
    new AwsSecrets(s, 'Secrets', { spec: resolved('dev') });
    const template = Template.fromStack(s);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, PendingWindowInDays: 30 },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('GIVEN the key WHEN built THEN its policy admits CloudWatch Logs, alarm publishers and denies direct grants', () => {
    const s = stack();
    new AwsSecrets(s, 'Secrets', { spec: resolved('prod') });
    const template = Template.fromStack(s);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'AllowCloudWatchLogs', Principal: { Service: 'logs.us-east-1.amazonaws.com' } }),
          Match.objectLike({
            Sid: 'AllowAlarmPublishers',
            Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
          }),
          Match.objectLike({
            Sid: 'DenyGrantsExceptForAwsServices',
            Effect: 'Deny',
            Action: 'kms:CreateGrant',
            Condition: {
              BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
            },
          }),
        ]),
      },
    });
  });

  test('GIVEN an existing key WHEN built THEN no key is created and the given one is used', () => {
    const s = stack();
    const key = kms.Key.fromKeyArn(s, 'Existing', 'arn:aws:kms:us-east-1:111111111111:key/abc');
    const secrets = new AwsSecrets(s, 'Secrets', { spec: resolved('prod'), key });
    expect(secrets.key).toBe(key);
    Template.fromStack(s).resourceCountIs('AWS::KMS::Key', 0);
  });

  test('GIVEN a key override WHEN built THEN it wins over the defaults', () => {
    const s = stack();
    new AwsSecrets(s, 'Secrets', {
      spec: resolved('prod'),
      overrides: { key: (p) => ({ ...p, description: 'custom' }) },
    });
    Template.fromStack(s).hasResourceProperties('AWS::KMS::Key', { Description: 'custom' });
  });
});
