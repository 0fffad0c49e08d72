import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notification } from '../core/rollback/rollback';
import type { Notifier } from '../core/rollback/on-alarm';

/** Notifications as SNS messages: the subject and the JSON message as given. */
export class SnsNotifier implements Notifier {
  constructor(private readonly sns: SNSClient) {}

  async notify(topicArn: string, notification: Notification): Promise<void> {
    await this.sns.send(new PublishCommand({ TopicArn: topicArn, Subject: notification.subject, Message: notification.message }));
  }
}
