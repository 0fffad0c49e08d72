/** The resource types that cost nothing by themselves, and why: they get no line, only a count. */

/** Resource types that cost nothing by themselves, and why. */
export const FREE_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  'AWS::CDK::Metadata': 'CDK bookkeeping',
  'AWS::IAM::Role': 'IAM has no charge',
  'AWS::IAM::Policy': 'IAM has no charge',
  'AWS::IAM::ManagedPolicy': 'IAM has no charge',
  'AWS::IAM::InstanceProfile': 'IAM has no charge',
  'AWS::KMS::Alias': 'aliases are free; the key is priced',
  'AWS::S3::BucketPolicy': 'bucket policies are free',
  'AWS::SNS::TopicPolicy': 'topic policies are free',
  'AWS::SNS::Subscription': 'deliveries are priced on the topic line',
  'AWS::Lambda::Permission': 'resource policies are free',
  'AWS::Lambda::EventInvokeConfig': 'configuration only',
  'AWS::Logs::SubscriptionFilter': 'configuration only; the destination is priced',
  'AWS::Logs::ResourcePolicy': 'configuration only',
  'AWS::Glue::Database': 'Glue Data Catalog: free under 1 million objects (glue.catalog.objects)',
  'AWS::Glue::Table': 'Glue Data Catalog: free under 1 million objects (glue.catalog.objects)',
  'AWS::Scheduler::ScheduleGroup': 'groups are free; schedules are priced',
  'AWS::StepFunctions::Activity': 'activities are free; transitions are priced',
  'AWS::ApplicationAutoScaling::ScalableTarget': 'Application Auto Scaling has no charge',
  'AWS::ApplicationAutoScaling::ScalingPolicy': 'Application Auto Scaling has no charge',
  'AWS::EC2::VPC': 'VPCs are free',
  'AWS::EC2::Subnet': 'subnets are free',
  'AWS::EC2::RouteTable': 'route tables are free',
  'AWS::EC2::Route': 'routes are free',
  'AWS::EC2::SubnetRouteTableAssociation': 'associations are free',
  'AWS::EC2::InternetGateway': 'internet gateways are free (data transfer out is not modelled)',
  'AWS::EC2::VPCGatewayAttachment': 'attachments are free',
  'AWS::EC2::SecurityGroup': 'security groups are free',
  'AWS::EC2::SecurityGroupIngress': 'security group rules are free',
  'AWS::EC2::SecurityGroupEgress': 'security group rules are free',
  'AWS::EC2::FlowLog': 'flow log records are priced as ingestion into their log group',
  'AWS::Budgets::BudgetsAction': 'makes its budget action-enabled: priced on the budget line',
  'AWS::CloudFormation::CustomResource': 'CloudFormation custom resources are free; their provider function is priced',
  'AWS::CloudFormation::WaitConditionHandle': 'CloudFormation bookkeeping',
};

/** Why the free variants of priced types (their pricer returned no line) are free. */
const FREE_VARIANT_REASONS: Readonly<Record<string, string>> = {
  'AWS::SSM::Parameter': 'standard-tier parameters are free',
  'AWS::Events::Rule': 'rules on AWS service events and schedules are free',
};

/** A type that needs no pricer: listed free, or a custom resource (`Custom::…`). */
export function isFreeType(type: string): boolean {
  return Object.hasOwn(FREE_RESOURCE_TYPES, type) || type.startsWith('Custom::');
}

/** Why resources of this type got no line. */
export function freeReason(type: string): string {
  if (Object.hasOwn(FREE_VARIANT_REASONS, type)) return FREE_VARIANT_REASONS[type]!;
  if (type.startsWith('Custom::')) return FREE_RESOURCE_TYPES['AWS::CloudFormation::CustomResource']!;
  return FREE_RESOURCE_TYPES[type] ?? 'free';
}
