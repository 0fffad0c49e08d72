import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { EXECUTION_TAG_KEY, MODEL_TAG_KEY } from '../../contract';
import { acknowledgeWildcardResource } from '../../nag';

export interface DeployGrants {
  /** The endpoint the workflow deploys to. */
  readonly endpointName: string;
  /** The model the workflow deploys: the `Model` tag of the endpoints it creates. */
  readonly model: string;
  /** The workflow's state machine name: the `ExecutionId` tags of what it creates name its executions. */
  readonly workflowName: string;
  /** The execution role of the model's containers, passed to SageMaker. */
  readonly executionRole: iam.IRole;
  /** The stage key: SageMaker encrypts the endpoint's volume and captured data with it. */
  readonly key: kms.IKey;
  /** Whether the endpoint autoscales (every target but serverless). */
  readonly scalable: boolean;
}

/** Least privilege for a deploy workflow: this model's SageMaker names, PassRole of its execution role to SageMaker only. */
export function grantDeployment(stateMachine: sfn.StateMachine, grants: DeployGrants): void {
  const stack = Stack.of(stateMachine);
  const role = stateMachine.role;
  const { endpointName } = grants;
  const arn = (resource: 'model' | 'endpoint-config' | 'endpoint', name: string) => `arn:${stack.partition}:sagemaker:${stack.region}:${stack.account}:${resource}/${name}`;
  const versions = `${endpointName}-v*`;
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['sagemaker:CreateModel', 'sagemaker:CreateEndpointConfig', 'sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint', 'sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig', 'sagemaker:AddTags'],
      resources: [arn('model', versions), arn('endpoint-config', versions), arn('endpoint', endpointName)],
    }),
  );
  // Only a Failed endpoint this workflow created is deleted (the deploy function checks its
  // tags); the same tags guard the call: the endpoint resource type takes aws:ResourceTag
  // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html).
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['sagemaker:DeleteEndpoint'],
      resources: [arn('endpoint', endpointName)],
      conditions: {
        StringEquals: { [`aws:ResourceTag/${MODEL_TAG_KEY}`]: grants.model },
        StringLike: { [`aws:ResourceTag/${EXECUTION_TAG_KEY}`]: `arn:${stack.partition}:states:${stack.region}:${stack.account}:execution:${grants.workflowName}:*` },
      },
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [grants.executionRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }),
  );
  // SageMaker encrypts the endpoint's volume and captured data with the stage key on the caller's behalf.
  grants.key.grant(role, 'kms:CreateGrant', 'kms:DescribeKey');
  for (const resource of ['model', 'endpoint-config'] as const) {
    acknowledgeWildcardResource(role, arn(resource, versions), `SageMaker models and endpoint configs are named per deployment (${versions.replace('*', '<version>-<id>')}); the wildcard is limited to this model's endpoint.`);
  }
  if (grants.scalable) {
    // Application Auto Scaling: its scalable targets have generated ARNs, and the first
    // registration creates its service-linked role for SageMaker.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sagemaker:UpdateEndpointWeightsAndCapacities'],
        resources: [arn('endpoint', endpointName)],
      }),
    );
    const targetTrackingAlarms = `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:TargetTracking-endpoint/${endpointName}/*`;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
        resources: [targetTrackingAlarms],
      }),
    );
    // RegisterScalableTarget with Tags is authorized as TagResource too
    // (https://docs.aws.amazon.com/autoscaling/application/userguide/resource-tagging-support.html#tag-resources-iam-permissions).
    // A scalable target's ARN is generated at registration, so no resource can be named.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['application-autoscaling:TagResource'], resources: ['*'] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [`arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`],
        conditions: { StringLike: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' } },
      }),
    );
    acknowledgeWildcardResource(role, targetTrackingAlarms, 'Target tracking names its alarms TargetTracking-<resource id>-<generated suffix>; the wildcard is limited to this endpoint.');
  }
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray, CloudWatch Logs delivery, and Application Auto Scaling (scalable targets have generated ids, and its Register/Put/Deregister calls support no resource-level permissions for SageMaker variants).',
  });
}
