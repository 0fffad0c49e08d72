import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { functionServiceName, handlerEntry, type FunctionName } from '../../contract';

const PROJECT_ROOT = join(__dirname, '..', '..', '..');

/** Where in a VPC a function runs. */
export interface GantryFunctionVpc {
  readonly vpc: ec2.IVpc;
  /** Private subnets: Lambda gives a function's interfaces no public address. */
  readonly subnets: ec2.SubnetSelection;
  /** The function's own group, not one shared with other workloads. */
  readonly securityGroup: ec2.ISecurityGroup;
}

// Lambda creates and removes the function's network interfaces with its execution role
// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html), the actions of
// AWSLambdaVPCAccessExecutionRole without its logs:* ones
// (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html).
const ENI_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

export interface GantryFunctionProps {
  /** Which of the stage's functions (`lambdas/<handler>/handler.ts`), from the contract's one list. */
  readonly handler: FunctionName;
  /** What the function does (shown in the console). */
  readonly description: string;
  /** Key that encrypts the function's log group. */
  readonly logKey: kms.IKey;
  /**
   * Environment variables.
   * @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * How long logs are kept.
   * @default logs.RetentionDays.ONE_YEAR (Control Tower's CT.CLOUDWATCH.PR.2 minimum)
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Run the function in these private subnets with this security group; its role gets the
   * network-interface permissions Lambda needs.
   * @default - Lambda's own network, outside any VPC of yours
   */
  readonly vpc?: GantryFunctionVpc;
}

/**
 * A Node.js Lambda function with Gantry's defaults: ARM64 on the latest Node.js runtime, an
 * ESM bundle built by the local esbuild (minified, source maps, the AWS SDK bundled rather than
 * taken from the runtime), X-Ray tracing, and its own KMS-encrypted log group and role with no
 * managed policies.
 */
export class GantryFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: GantryFunctionProps) {
    super(scope, id);
    const entry = join(PROJECT_ROOT, handlerEntry(props.handler));
    if (!existsSync(entry)) throw new Error(`GantryFunction handler "${props.handler}" has no entry file at ${entry}`);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.logKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Gantry ${props.handler} function`,
    });
    this.logGroup.grantWrite(this.role);
    // Lambda checks these permissions when it creates the function, so they come first.
    if (props.vpc) this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ENI_ACTIONS, resources: ['*'] }));

    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      ...(props.vpc ? { vpc: props.vpc.vpc, vpcSubnets: props.vpc.subnets, securityGroups: [props.vpc.securityGroup] } : {}),
      environment: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: functionServiceName(props.handler), ...props.environment },
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        // Bundled SDK: a pinned, tested version, and a smaller cold start than the runtime's full SDK.
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        // ESM bundles of CommonJS dependencies call require(); give them one.
        banner: "import { createRequire as gantryCreateRequire } from 'module'; const require = gantryCreateRequire(import.meta.url);",
        forceDockerBundling: false,
      },
    });

    const xrayReason = 'X-Ray xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions; active tracing needs "*" for exactly these two actions.';
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: props.vpc
        ? `${xrayReason} The network-interface actions Lambda performs with the role act on interfaces it creates with generated ids, and ec2:DescribeNetworkInterfaces works only on "*" (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html).`
        : xrayReason,
    });
  }
}
