import type { Json } from '../../tools/local/intrinsics';
import type { StageModel } from '../support/stage-model';
import type { PolicyDocument, RoleWithPolicies } from './principals';
import { arnAccount } from './requests';

/*
 * The resource policies a request is also evaluated against: KMS key policies, SNS topic
 * policies, S3 bucket policies, Lambda resource policies (AWS::Lambda::Permission) and role
 * trust policies, all from the stage's templates. A resource of another account gets the policy
 * its owner is known to have (below), or none.
 */

/**
 * AWS Deep Learning Containers (account 763104351884) let every AWS account pull their images;
 * the pull still needs the caller's own ecr: permissions.
 * https://github.com/aws/deep-learning-containers/blob/master/available_images.md
 */
const DLC_ACCOUNTS = new Set(['763104351884']);
const PUBLIC_PULL: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'ModelledPublicPull', Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], Resource: '*' }],
};

/**
 * The policy SNS gives a topic created without one: the owner account's principals may publish.
 * A TopicPolicy replaces it. https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
 */
function defaultTopicPolicy(topicArn: string, account: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission', 'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish'],
        Resource: topicArn,
        Condition: { StringEquals: { 'AWS:SourceOwner': account } },
      },
    ],
  };
}

const asArray = (value: Json | undefined): Json[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export interface ResourcePolicy {
  /** Which template resource the policy comes from, for messages. */
  readonly source: string;
  readonly policy: PolicyDocument;
}

export class ResourcePolicies {
  private readonly keys = new Map<string, ResourcePolicy>();
  private readonly topics = new Map<string, ResourcePolicy>();
  private readonly buckets = new Map<string, ResourcePolicy>();
  private readonly functions = new Map<string, { source: string; statements: Record<string, Json>[] }>();
  private readonly trust = new Map<string, ResourcePolicy>();
  private readonly stageTopics = new Set<string>();

  constructor(
    private readonly model: StageModel,
    roles: readonly RoleWithPolicies[],
  ) {
    const { account, region, partition } = model.environment;
    for (const key of model.ofType('AWS::KMS::Key')) {
      this.keys.set(model.arn(key), { source: model.describe(key), policy: model.properties(key).KeyPolicy as unknown as PolicyDocument });
    }
    for (const topic of model.ofType('AWS::SNS::Topic')) this.stageTopics.add(model.arn(topic));
    for (const policy of model.ofType('AWS::SNS::TopicPolicy')) {
      const props = model.properties(policy);
      for (const topic of asArray(props.Topics)) this.topics.set(String(topic), { source: model.describe(policy), policy: props.PolicyDocument as unknown as PolicyDocument });
    }
    for (const policy of model.ofType('AWS::S3::BucketPolicy')) {
      const props = model.properties(policy);
      this.buckets.set(String(props.Bucket), { source: model.describe(policy), policy: props.PolicyDocument as unknown as PolicyDocument });
    }
    for (const permission of model.ofType('AWS::Lambda::Permission')) {
      const props = model.properties(permission);
      const name = String(props.FunctionName);
      const functionArn = name.startsWith('arn:') ? name : `arn:${partition}:lambda:${region}:${account}:function:${name}`;
      const principal = String(props.Principal);
      const condition: Record<string, Record<string, Json>> = {};
      if (props.SourceArn !== undefined) condition.ArnLike = { 'aws:SourceArn': props.SourceArn };
      if (props.SourceAccount !== undefined) condition.StringEquals = { 'aws:SourceAccount': props.SourceAccount };
      const entry = this.functions.get(functionArn) ?? { source: model.describe(permission), statements: [] };
      entry.statements.push({
        Sid: permission.logicalId,
        Effect: 'Allow',
        Principal: principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
        Action: String(props.Action),
        Resource: functionArn,
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      });
      this.functions.set(functionArn, entry);
    }
    for (const role of roles) this.trust.set(role.principal.arn, { source: `${role.principal.id} (trust policy)`, policy: role.trustPolicy });
  }

  /** The resource policy `action` on `resource` is evaluated against, if any. */
  policyFor(action: string, resource: string): ResourcePolicy | undefined {
    const service = action.split(':')[0];
    switch (service) {
      case 'kms':
        return this.keys.get(resource);
      case 'sns':
        return this.topics.get(resource) ?? (this.stageTopics.has(resource) ? { source: `${resource} (SNS default topic policy)`, policy: defaultTopicPolicy(resource, this.model.environment.account) } : undefined);
      case 's3': {
        const bucket = /^arn:[\w-]+:s3:::([^/]+)/.exec(resource)?.[1];
        return bucket === undefined ? undefined : this.buckets.get(bucket);
      }
      case 'lambda': {
        const functionArn = resource.replace(/^(arn:[\w-]+:lambda:[^:]+:\d+:function:[^:]+)(:.+)?$/, '$1');
        const entry = this.functions.get(functionArn);
        return entry && { source: entry.source, policy: { Version: '2012-10-17', Statement: entry.statements } };
      }
      case 'sts':
        return this.trust.get(resource);
      case 'ecr':
        return DLC_ACCOUNTS.has(arnAccount(resource) ?? '') ? { source: 'AWS Deep Learning Containers repository policy (modelled: public pull)', policy: PUBLIC_PULL } : undefined;
      default:
        return undefined;
    }
  }
}
