import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SnsNotifier } from '../../../lambdas/adapters/sns-notifier';

// SNS has no local engine: the client is mocked and the request asserted in full.
const client = new SNSClient({ region: 'us-east-1' });
const sns = mockClient(client);

afterEach(() => sns.reset());

describe('SnsNotifier', () => {
  it('publishes the subject and the message to the topic', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await new SnsNotifier(client).notify('arn:aws:sns:us-east-1:111111111111:gantry-test-churn', { subject: 'Gantry: rolling back churn', message: '{"event":"RollbackStarted"}' });
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input)).toEqual([{ TopicArn: 'arn:aws:sns:us-east-1:111111111111:gantry-test-churn', Subject: 'Gantry: rolling back churn', Message: '{"event":"RollbackStarted"}' }]);
  });

  it('throws what SNS throws', async () => {
    sns.on(PublishCommand).rejects(new Error('AuthorizationError'));
    await expect(new SnsNotifier(client).notify('arn:t', { subject: 's', message: 'm' })).rejects.toThrow('AuthorizationError');
  });
});
