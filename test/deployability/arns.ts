import { createHash } from 'node:crypto';
import type { AwsEnvironment } from '../support/physical-names';

/* ARNs of the resources a run creates or touches, in the formats of the Service Authorization Reference. */

const regional = (env: AwsEnvironment, service: string, rest: string) => `arn:${env.partition}:${service}:${env.region}:${env.account}:${rest}`;

export const sagemakerArn = (env: AwsEnvironment, type: string, name: string) => regional(env, 'sagemaker', `${type}/${name}`);
export const alarmArn = (env: AwsEnvironment, name: string) => regional(env, 'cloudwatch', `alarm:${name}`);
export const eventRuleArn = (env: AwsEnvironment, name: string) => regional(env, 'events', `rule/${name}`);
export const logGroupArn = (env: AwsEnvironment, name: string) => regional(env, 'logs', `log-group:${name}`);
/**
 * The resource CloudWatch Logs authorizes log-group actions (CreateLogGroup, DescribeLogStreams)
 * on: the group's ARN with an empty stream, as its AccessDenied messages name it
 * (`…:log-group:/ecs/app:log-stream:`). So `log-group:NAME:*` grants them, `log-group:NAME` does not.
 */
export const logGroupActionArn = (env: AwsEnvironment, name: string) => regional(env, 'logs', `log-group:${name}:log-stream:`);
export const logStreamArn = (env: AwsEnvironment, group: string, stream: string) => regional(env, 'logs', `log-group:${group}:log-stream:${stream}`);
export const ec2Arn = (env: AwsEnvironment, type: string, id: string) => regional(env, 'ec2', `${type}/${id}`);
export const scheduleGroupArn = (env: AwsEnvironment, group: string) => regional(env, 'scheduler', `schedule-group/${group}`);
export const dynamoTableArn = (env: AwsEnvironment, table: string) => regional(env, 'dynamodb', `table/${table}`);
export const eventBusArn = (env: AwsEnvironment, bus: string) => regional(env, 'events', `event-bus/${bus}`);
export const executionArn = (stateMachineArn: string, name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/** A log group ARN as IAM resources name it: without the `:*` that `GetAtt Arn` appends. */
export const bareLogGroupArn = (arn: string) => arn.replace(/:\*$/, '');

/**
 * Application Auto Scaling names a scalable target with a generated id
 * (`scalable-target/1234abcd56ab78cd901ef1234567890ab123`): derived here from its resource id.
 */
export function scalableTargetArn(env: AwsEnvironment, resourceId: string): string {
  return regional(env, 'application-autoscaling', `scalable-target/${createHash('sha256').update(resourceId).digest('hex').slice(0, 36)}`);
}

/** `ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG` → the repository's ARN; undefined for an image outside ECR. */
export function ecrRepositoryArn(image: string): string | undefined {
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([^:@]+)/.exec(image);
  return match ? `arn:${match[3] ? 'aws-cn' : 'aws'}:ecr:${match[2]}:${match[1]}:repository/${match[4]}` : undefined;
}

/** A KMS key reference (ARN, key id) as the key's ARN; undefined for an alias (AWS managed keys have aliases only). */
export function kmsKeyArn(env: AwsEnvironment, reference: string): string | undefined {
  if (/^arn:[\w-]+:kms:[^:]+:\d{12}:key\//.test(reference)) return reference;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(reference)) return regional(env, 'kms', `key/${reference}`);
  return undefined;
}
