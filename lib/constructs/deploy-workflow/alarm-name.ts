import { Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The name of an alarm as the deploy workflow's requests list it. An alarm created with a
 * fixed name yields that name: `alarm.alarmName` would be a `Ref`, which puts a reference to
 * every alarm into the state machine's definition for a name known at synth time. Any other
 * alarm (imported, or named by CloudFormation) yields `alarmName`.
 */
export function alarmNameOf(alarm: cloudwatch.IAlarm): string {
  const resource = alarm.node.defaultChild;
  if (resource instanceof cloudwatch.CfnAlarm && resource.alarmName !== undefined && !Token.isUnresolved(resource.alarmName)) return resource.alarmName;
  return alarm.alarmName;
}
