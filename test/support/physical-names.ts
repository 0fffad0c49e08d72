import { createHash } from 'node:crypto';
import type { Json } from '../../tools/local/intrinsics';

/*
 * What CloudFormation would name a resource, and what `Ref` and `Fn::GetAtt` return for it, in
 * the formats AWS uses: role, key, bucket, topic, table, state machine, function and log group
 * ARNs look like the real ones, so an IAM simulator validates them by resource type and policy
 * patterns match (or fail to match) them as they would in the account. Generated parts (the
 * suffix CloudFormation appends, key ids, subnet ids) are derived from the logical id, so the
 * same template always gets the same names.
 */

/** The account, region and partition a stage deploys to. */
export interface AwsEnvironment {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly urlSuffix: string;
}

/** A resource to be named: its type, logical id, stack, and a reader of its resolved properties. */
export interface NamedResource {
  readonly type: string;
  readonly logicalId: string;
  readonly stackName: string;
  /** A property, intrinsics resolved; undefined when the template leaves it out. */
  readonly property: (name: string) => Json | undefined;
}

const digest = (seed: string) => createHash('sha256').update(seed).digest();

/** `length` characters from [A-Z0-9], as CloudFormation's generated suffixes. */
function suffix(seed: string, length: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'): string {
  const bytes = digest(seed);
  return Array.from({ length }, (_, i) => alphabet[bytes[i % bytes.length]! % alphabet.length]).join('');
}

function hex(seed: string, length: number): string {
  return digest(seed).toString('hex').slice(0, length);
}

function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * `<stack>-<logicalId>-<suffix>`, CloudFormation's name for a resource without an explicit one,
 * cut to `maxLength` by shortening the stack and logical id parts as CloudFormation does.
 */
export function generatedName(resource: Pick<NamedResource, 'stackName' | 'logicalId'>, maxLength: number, options: { lowerCase?: boolean; suffixLength?: number } = {}): string {
  const tail = suffix(`${resource.stackName}/${resource.logicalId}`, options.suffixLength ?? 12);
  let stack = resource.stackName;
  let id = resource.logicalId;
  while (stack.length + id.length + tail.length + 2 > maxLength) {
    if (id.length >= stack.length) id = id.slice(0, -1);
    else stack = stack.slice(0, -1);
  }
  const name = `${stack}-${id}-${tail}`;
  return options.lowerCase ? name.toLowerCase() : name;
}

function stringProperty(resource: NamedResource, name: string): string | undefined {
  const value = resource.property(name);
  return typeof value === 'string' ? value : undefined;
}

/** What `Ref` and `Fn::GetAtt` return for one resource. */
export interface PhysicalNames {
  readonly ref: string;
  getAtt(attribute: string): string | undefined;
}

/** The physical names of `resource` in `env`. Unknown types get a generated name and a generic ARN. */
export function physicalNames(resource: NamedResource, env: AwsEnvironment): PhysicalNames {
  const { account, region, partition } = env;
  const regional = (service: string, rest: string) => `arn:${partition}:${service}:${region}:${account}:${rest}`;
  const seed = `${resource.stackName}/${resource.logicalId}`;
  const named = (property: string, maxLength: number) => stringProperty(resource, property) ?? generatedName(resource, maxLength);
  const attrs = (ref: string, table: Record<string, string>): PhysicalNames => ({ ref, getAtt: (attribute) => table[attribute] });

  switch (resource.type) {
    case 'AWS::IAM::Role': {
      const name = named('RoleName', 64);
      const path = stringProperty(resource, 'Path') ?? '/';
      return attrs(name, { Arn: `arn:${partition}:iam::${account}:role${path}${name}`, RoleId: `AROA${suffix(seed, 17)}` });
    }
    case 'AWS::IAM::ManagedPolicy': {
      const arn = `arn:${partition}:iam::${account}:policy/${named('ManagedPolicyName', 128)}`;
      return attrs(arn, { PolicyArn: arn });
    }
    case 'AWS::KMS::Key': {
      const id = uuid(seed);
      return attrs(id, { Arn: regional('kms', `key/${id}`), KeyId: id });
    }
    case 'AWS::KMS::Alias':
      return attrs(stringProperty(resource, 'AliasName') ?? `alias/${resource.logicalId}`, {});
    case 'AWS::S3::Bucket': {
      const name = stringProperty(resource, 'BucketName') ?? generatedName(resource, 63, { lowerCase: true });
      return attrs(name, {
        Arn: `arn:${partition}:s3:::${name}`,
        DomainName: `${name}.s3.${env.urlSuffix}`,
        RegionalDomainName: `${name}.s3.${region}.${env.urlSuffix}`,
      });
    }
    case 'AWS::SNS::Topic': {
      const name = named('TopicName', 256);
      const arn = regional('sns', name);
      return attrs(arn, { TopicArn: arn, TopicName: name });
    }
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable': {
      const name = named('TableName', 255);
      return attrs(name, { Arn: regional('dynamodb', `table/${name}`), StreamArn: regional('dynamodb', `table/${name}/stream/2026-01-01T00:00:00.000`) });
    }
    case 'AWS::StepFunctions::StateMachine': {
      const name = stringProperty(resource, 'StateMachineName') ?? `${resource.logicalId}-${suffix(seed, 12)}`;
      const arn = regional('states', `stateMachine:${name}`);
      return attrs(arn, { Arn: arn, Name: name });
    }
    case 'AWS::Lambda::Function': {
      const name = named('FunctionName', 64);
      return attrs(name, { Arn: regional('lambda', `function:${name}`) });
    }
    case 'AWS::Logs::LogGroup': {
      const name = named('LogGroupName', 512);
      return attrs(name, { Arn: regional('logs', `log-group:${name}:*`) });
    }
    case 'AWS::Events::Rule': {
      const name = named('Name', 64);
      const bus = stringProperty(resource, 'EventBusName');
      return attrs(name, { Arn: regional('events', `rule/${bus && bus !== 'default' ? `${bus}/` : ''}${name}`) });
    }
    case 'AWS::Scheduler::Schedule': {
      const name = named('Name', 64);
      return attrs(name, { Arn: regional('scheduler', `schedule/${stringProperty(resource, 'GroupName') ?? 'default'}/${name}`) });
    }
    case 'AWS::CloudWatch::Alarm': {
      const name = named('AlarmName', 255);
      return attrs(name, { Arn: regional('cloudwatch', `alarm:${name}`) });
    }
    case 'AWS::EC2::VPC':
      return attrs(`vpc-${hex(seed, 17)}`, { CidrBlock: stringProperty(resource, 'CidrBlock') ?? '10.0.0.0/16', DefaultSecurityGroup: `sg-${hex(`${seed}/sg`, 17)}` });
    case 'AWS::EC2::Subnet':
      return attrs(`subnet-${hex(seed, 17)}`, { SubnetId: `subnet-${hex(seed, 17)}`, AvailabilityZone: `${region}a` });
    case 'AWS::EC2::SecurityGroup':
      return attrs(`sg-${hex(seed, 17)}`, { GroupId: `sg-${hex(seed, 17)}`, VpcId: `vpc-${hex(`${seed}/vpc`, 17)}` });
    case 'AWS::EC2::FlowLog':
      return attrs(`fl-${hex(seed, 17)}`, { Id: `fl-${hex(seed, 17)}` });
    // Cost Explorer is a global service: its ARNs have no region.
    case 'AWS::CE::AnomalyMonitor': {
      const arn = `arn:${partition}:ce::${account}:anomalymonitor/${uuid(seed)}`;
      return attrs(arn, { MonitorArn: arn });
    }
    case 'AWS::CE::AnomalySubscription': {
      const arn = `arn:${partition}:ce::${account}:anomalysubscription/${uuid(seed)}`;
      return attrs(arn, { SubscriptionArn: arn });
    }
    case 'AWS::Budgets::Budget':
      return attrs(stringProperty(resource, 'BudgetName') ?? generatedName(resource, 100), {});
    case 'AWS::SSM::Parameter':
      return attrs(named('Name', 2048), { Type: stringProperty(resource, 'Type') ?? 'String', Value: stringProperty(resource, 'Value') ?? '' });
    default: {
      const name = generatedName(resource, 64);
      const [, service = 'unknown', kind = 'resource'] = resource.type.split('::');
      return attrs(name, { Arn: regional(service.toLowerCase(), `${kind.toLowerCase()}/${name}`) });
    }
  }
}
