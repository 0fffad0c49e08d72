import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { type JobKind, jobNamePrefix } from '../../contract';
import { acknowledgeWildcardResource } from '../../nag';
import { JOB_KINDS, jobArn, type JobResourceType } from './job-arns';

/** Least privilege for a pipeline's jobs: this model's job names only, PassRole of its job role to SageMaker only. */
export function grantJobs(stateMachine: sfn.StateMachine, stageName: string, model: string, jobRole: iam.IRole): void {
  const stack = Stack.of(stateMachine);
  const role = stateMachine.role;
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob', 'sagemaker:AddTags'],
      resources: (Object.keys(JOB_KINDS) as JobResourceType[]).map((kind) => jobArn(stateMachine, stageName, model, kind)),
    }),
  );
  // The .sync integrations follow jobs through these managed EventBridge rules.
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      resources: ['TrainingJobs', 'ProcessingJobs'].map((k) => `arn:${stack.partition}:events:${stack.region}:${stack.account}:rule/StepFunctionsGetEventsForSageMaker${k}Rule`),
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [jobRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }),
  );
  for (const [kind, infix] of Object.entries(JOB_KINDS) as [JobResourceType, JobKind][]) {
    acknowledgeWildcardResource(role, jobArn(stateMachine, stageName, model, kind), `Job names are generated per execution (${jobNamePrefix(stageName, model, infix)}<run id>); the wildcard is limited to this model's jobs of this kind.`);
  }
  Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray and CloudWatch Logs delivery (logs:CreateLogDelivery and friends) support no resource-level permissions.' });
}
