/**
 * The dated price table of the cost estimate: us-east-1, on-demand, USD.
 *
 * Every entry names the page it was read from (`source`) and when (`retrieved`). The stored
 * copies of AWS's own pricing pages render most rate tables client-side, so several SageMaker
 * rates come from AWS sample repositories or third-party pages quoting AWS: their `note` says
 * so, and says where pages disagree. A rate that could not be sourced is not here: using it
 * throws `UnpricedError` (never a zero). Free tiers are not applied anywhere: the estimate is
 * what the resources cost once an account has used its free tier.
 */
import { findInstanceSpec, type InstanceUse } from '../config/instance-types';
import { UnpricedError, type Price } from './types';

/** When the prices were read from the stored copies of their sources. */
export const PRICES_RETRIEVED = '2026-11-22';

const SRC = {
  fmbenchPricing:
    'https://github.com/aws-samples/foundation-model-benchmarking-tool/blob/00ef155d0f9c6b999d796f915159d3d622f8233d/src/fmbench/configs/pricing.yml',
  serverlessBenchmarking:
    'https://github.com/aws-samples/sagemaker-serverless-inference-benchmarking/blob/88cf86c009d38ba9040c384d5283f0ff908ff5c3/sagemaker_serverless_benchmarking/cost_constants.py',
  sampleBill: 'https://github.com/aws-samples/sagemaker-ssh-helper/blob/b6bf9ba39119784eb6ce6683ae9a6a2ed8ef4cd3/Sample_Costs.md',
  sagemakerPlans: 'https://github.com/api-evangelist/amazon-sagemaker/blob/193f4ac0302b89ca78381279b51fded12ca95c2f/plans/amazon-sagemaker-plans-pricing.yml',
  studioInstances: 'https://github.com/JHUAPL-DTC-TA2/wiki/blob/2b48144868afcfec7b2f51b3e7621a0a1d981073/docs/sagemaker_instances.md',
  notebookGpus: 'https://github.com/goerlitz/nlp-classification/blob/HEAD/notebooks/10kGNAD/sagemaker/README.md',
  wringInference: 'https://www.wring.co/blog/aws-sagemaker-inference-guide',
  serverlessCourse: 'https://randeepbhatia.com/courses/aws-serverless-ml/sagemaker-serverless',
  kmsPricing: 'https://aws.amazon.com/kms/pricing/',
  kmsGuide: 'https://www.wring.co/blog/aws-kms-pricing-guide',
  dynamodbPricing: 'https://aws.amazon.com/dynamodb/pricing/',
  dynamodbOnDemand: 'https://airbyte.com/data-engineering-resources/dynamodb-pricing',
  dynamodbBackups: 'https://finops.com.py/services/dynamodb/backups',
  s3Storage: 'https://deepeshsoni.com/archives/256',
  s3Requests: 'https://c3x.dev/blog/s3-request-fees-explained',
  lambdaArm: 'https://cloudchipr.com/blog/aws-lambda-pricing',
  lambdaRequests: 'https://git.mcrn.ar/mariano/lambda_local_runner/src/commit/957e45b8adae23ce50b966346229585b5df18b4d/docs/lambdas-md/lambda-13-cost.md?display=rendered',
  stepFunctions: 'https://aws.amazon.com/step-functions/pricing/',
  cloudwatchAlarms: 'https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm',
  cloudwatchGuide: 'https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/',
  cloudwatchMetrics: 'https://signoz.io/guides/cloudwatch-pricing',
  sns: 'https://www.factualminds.com/blog/amazon-sns-pricing-publishes-fanout-protocols/',
  eventbridge: 'https://cloudburn.io/blog/amazon-eventbridge-pricing',
  eventbridgeWring: 'https://www.wring.co/blog/aws-eventbridge-pricing-guide',
  natGateway: 'https://basavytix.com/blog/aws-nat-gateway-pricing',
  natCloudburn: 'https://cloudburn.io/blog/aws-nat-gateway-pricing',
  vpcEndpoint: 'https://c3x.dev/resources/aws/aws_vpc_endpoint',
  privateLinkTiers: 'https://968880.n0h2l.group/privatelink/pricing',
  glue: 'https://aws.amazon.com/cn/lake-formation/pricing/',
  budgets: 'https://huggingface.co/datasets/labofsahil/aws-pricing-dataset/raw/50682afacb9d2327050bddd0adff74df2c503ca9/AWSBudgets.csv',
  anomalyDetection: 'https://dev.classmethod.jp/en/articles/aws-cost-anomaly-detection-review',
} as const;

const THIRD_PARTY = 'third-party page quoting AWS us-east-1 rates';

function entry(key: string, usd: number, unit: string, source: string, note?: string): Price {
  return note === undefined ? { key, usd, unit, source, retrieved: PRICES_RETRIEVED } : { key, usd, unit, source, retrieved: PRICES_RETRIEVED, note };
}

/**
 * SageMaker on-demand instance rates. AWS's stored pricing page has no readable rate table; the
 * AWS sample repositories below list SageMaker (not EC2) rates. Third-party guides disagree: e.g.
 * wring.co lists ml.inf2.xlarge at $0.76 and ml.g5.xlarge at $1.21, which are EC2 rates (the
 * fmbench file lists EC2 inf2.xlarge at $0.7582 beside SageMaker ml.inf2.xlarge at $0.99).
 */
const SAGEMAKER_INSTANCE_RATES: readonly { readonly type: string; readonly usd: number; readonly source: string; readonly note?: string }[] = [
  { type: 'ml.t3.medium', usd: 0.05, source: SRC.wringInference, note: `${THIRD_PARTY} (real-time endpoints table)` },
  { type: 'ml.m5.large', usd: 0.115, source: SRC.serverlessCourse, note: `${THIRD_PARTY} ("$0.115/hour for ml.m5.large" provisioned endpoints); also the SageMaker Studio rate in ${SRC.studioInstances}` },
  { type: 'ml.m5.xlarge', usd: 0.23, source: SRC.fmbenchPricing, note: `AWS sample repository's SageMaker hourly rates; training at the same rate in ${SRC.sagemakerPlans}` },
  { type: 'ml.m5.2xlarge', usd: 0.461, source: SRC.studioInstances, note: 'SageMaker Studio app rate from a third-party wiki' },
  { type: 'ml.c5.large', usd: 0.102, source: SRC.serverlessBenchmarking, note: 'AWS sample repository comparing serverless with real-time ml.c5.large' },
  { type: 'ml.c5.xlarge', usd: 0.204, source: SRC.serverlessBenchmarking, note: `AWS sample repository; the same real-time inference rate in ${SRC.sagemakerPlans}` },
  { type: 'ml.c5.2xlarge', usd: 0.408, source: SRC.studioInstances, note: 'SageMaker Studio app rate from a third-party wiki' },
  { type: 'ml.g4dn.xlarge', usd: 0.7364, source: SRC.sagemakerPlans, note: `third-party transcription of the AWS page ("GPU notebook / training (ml.g4dn.xlarge)"); same rate in ${SRC.notebookGpus}` },
  { type: 'ml.g4dn.2xlarge', usd: 0.94, source: SRC.notebookGpus, note: 'third-party README quoting the AWS SageMaker pricing page (notebook rates)' },
  { type: 'ml.g5.xlarge', usd: 1.4084, source: SRC.fmbenchPricing, note: 'AWS sample repository; wring.co lists $1.21, the EC2 g5.xlarge rate is $1.006' },
  { type: 'ml.g5.2xlarge', usd: 1.515, source: SRC.fmbenchPricing, note: 'AWS sample repository; wring.co rounds it to $1.52' },
  { type: 'ml.g5.4xlarge', usd: 2.03, source: SRC.studioInstances, note: 'SageMaker Studio app rate from a third-party wiki' },
  { type: 'ml.g5.12xlarge', usd: 7.09, source: SRC.fmbenchPricing, note: 'AWS sample repository' },
  { type: 'ml.g5.48xlarge', usd: 20.36, source: SRC.fmbenchPricing, note: 'AWS sample repository' },
  { type: 'ml.g6.2xlarge', usd: 1.222, source: SRC.fmbenchPricing, note: 'AWS sample repository' },
  { type: 'ml.p3.2xlarge', usd: 3.825, source: SRC.fmbenchPricing, note: `AWS sample repository; same rate in ${SRC.studioInstances}` },
  { type: 'ml.p4d.24xlarge', usd: 37.688, source: SRC.fmbenchPricing, note: 'AWS sample repository; wring.co rounds it to $37.69' },
  { type: 'ml.p5.48xlarge', usd: 113.068, source: SRC.fmbenchPricing, note: 'AWS sample repository' },
  { type: 'ml.inf2.xlarge', usd: 0.99, source: SRC.fmbenchPricing, note: 'AWS sample repository; wring.co lists $0.76, the EC2 inf2.xlarge rate ($0.7582 in the same file)' },
  { type: 'ml.inf2.8xlarge', usd: 2.36, source: SRC.fmbenchPricing, note: 'AWS sample repository' },
  { type: 'ml.inf2.24xlarge', usd: 7.79, source: SRC.fmbenchPricing, note: 'AWS sample repository' },
  { type: 'ml.inf2.48xlarge', usd: 15.58, source: SRC.fmbenchPricing, note: 'AWS sample repository' },
  { type: 'ml.trn1.32xlarge', usd: 28.497, source: SRC.fmbenchPricing, note: 'AWS sample repository' },
];

// SageMaker bills one on-demand rate per instance type for hosting, training and processing: the
// AWS sample bill lists ml.m5.xlarge at $0.257 for Hosting, Processing and Training alike (eu-west-1).
const SAME_RATE_NOTE = `the instance's SageMaker on-demand rate; SageMaker bills hosting, training and processing at one rate per type (see ${SRC.sampleBill})`;

/** Price-key prefix of each use of a SageMaker instance. */
export const SAGEMAKER_USE_KEY: Readonly<Record<InstanceUse, string>> = { inference: 'sagemaker.hosting', training: 'sagemaker.training', processing: 'sagemaker.processing' };

function sagemakerInstancePrices(): Price[] {
  const prices: Price[] = [];
  for (const rate of SAGEMAKER_INSTANCE_RATES) {
    const spec = findInstanceSpec(rate.type);
    // Only the uses Gantry can put the type to; an unknown type would be a table error.
    if (!spec) throw new Error(`lib/cost/prices.ts: ${rate.type} is not in lib/config/instance-types.ts`);
    for (const use of spec.uses) {
      const direct = use === 'inference' || (use === 'training' && (rate.type === 'ml.m5.xlarge' || rate.type === 'ml.g4dn.xlarge' || rate.type === 'ml.trn1.32xlarge'));
      const note = direct ? rate.note : `${SAME_RATE_NOTE}; ${rate.note ?? ''}`.replace(/; $/, '');
      prices.push(entry(`${SAGEMAKER_USE_KEY[use]}.${rate.type}`, rate.usd, 'instance-hour', rate.source, note));
    }
  }
  return prices;
}

/** Every price, by key. */
export const PRICES: readonly Price[] = [
  ...sagemakerInstancePrices(),
  entry('sagemaker.serverless.gb-second', 0.00002, 'GB-second', SRC.serverlessBenchmarking, 'AWS sample repository: $0.0000200 per second for 1024 MB, scaling linearly with memory'),
  entry('sagemaker.serverless.data-gb', 0.016, 'GB processed (in + out)', SRC.serverlessBenchmarking, `AWS sample repository; the AWS sample bill (${SRC.sampleBill}) shows $0.016 per GB of endpoint data in and out (eu-west-1)`),

  entry('kms.key-month', 1, 'key-month', SRC.kmsPricing, 'each automatic rotation adds $1/month for the first two rotations (May 2024 change), from the key\'s first anniversary: not in a first-year month'),
  entry('kms.requests-10k', 0.03, '10,000 requests', SRC.kmsGuide, THIRD_PARTY),

  entry('dynamodb.on-demand.write-million', 0.625, 'million write request units', SRC.dynamodbOnDemand, `${THIRD_PARTY}; infratally.com still quotes the pre-November-2024 read rate ($0.25 per million), pages disagree`),
  entry('dynamodb.on-demand.read-million', 0.125, 'million read request units', SRC.dynamodbOnDemand, `${THIRD_PARTY}; infratally.com still quotes $0.25 (the pre-November-2024 rate), pages disagree`),
  entry('dynamodb.storage.gb-month', 0.25, 'GB-month', SRC.dynamodbPricing, 'first 25 GB a month free (not applied)'),
  entry('dynamodb.pitr.gb-month', 0.2, 'GB-month of table size', SRC.dynamodbBackups, THIRD_PARTY),

  entry('s3.standard.gb-month', 0.023, 'GB-month', SRC.s3Storage, `${THIRD_PARTY} (first 50 TB); objects above the tiering size move to Intelligent-Tiering, priced here at Standard (an upper bound)`),
  entry('s3.put-1k', 0.005, '1,000 PUT/COPY/POST/LIST requests', SRC.s3Requests, THIRD_PARTY),
  entry('s3.get-1k', 0.0004, '1,000 GET/SELECT requests', SRC.s3Requests, THIRD_PARTY),

  entry('lambda.arm.gb-second', 0.0000133334, 'GB-second', SRC.lambdaArm, `${THIRD_PARTY} (first 7.5 billion GB-seconds a month)`),
  entry('lambda.requests-million', 0.2, 'million requests', SRC.lambdaRequests, THIRD_PARTY),

  entry('stepfunctions.standard.transitions-1k', 0.025, '1,000 state transitions', SRC.stepFunctions),

  entry('cloudwatch.alarm-metric-month', 0.1, 'alarm metric-month (standard resolution)', SRC.cloudwatchAlarms, `${THIRD_PARTY}; an alarm on a metric-math expression is billed per metric it reads`),
  entry('cloudwatch.dashboard-month', 3, 'dashboard-month', SRC.cloudwatchGuide, `${THIRD_PARTY} ("dashboards at $3 each"); the first 3 dashboards an account has are free (not applied)`),
  entry('cloudwatch.custom-metric-month', 0.3, 'metric-month', SRC.cloudwatchMetrics, `${THIRD_PARTY} (first 10,000 metrics)`),
  entry('cloudwatch.logs.ingest-gb', 0.5, 'GB ingested', SRC.cloudwatchGuide, THIRD_PARTY),

  entry('sns.publish-million', 0.5, 'million publishes (standard topic)', SRC.sns, THIRD_PARTY),
  entry('sns.email-100k', 2, '100,000 email notifications', SRC.sns, THIRD_PARTY),

  entry('scheduler.invocation-million', 1, 'million scheduled invocations', SRC.eventbridge, `${THIRD_PARTY}; 14 million a month are free (not applied); wring.co calls Scheduler invocations free, pages disagree`),
  entry('eventbridge.custom-event-million', 1, 'million custom events', SRC.eventbridge, `${THIRD_PARTY}; same rate on ${SRC.eventbridgeWring}; AWS service events are free`),

  entry('vpc.nat-gateway-hour', 0.045, 'NAT gateway-hour', SRC.natGateway, `${THIRD_PARTY} ("These are the us-east-1 rates")`),
  entry('vpc.nat-gateway-gb', 0.045, 'GB processed', SRC.natGateway, THIRD_PARTY),
  entry('vpc.public-ipv4-hour', 0.005, 'public IPv4 address-hour', SRC.natCloudburn, `${THIRD_PARTY}: an Elastic IP (the NAT gateway's) is billed per hour since February 2024`),
  entry('vpc.interface-endpoint-az-hour', 0.01, 'endpoint-hour per Availability Zone', SRC.vpcEndpoint, THIRD_PARTY),
  entry('vpc.interface-endpoint-gb', 0.01, 'GB processed', SRC.privateLinkTiers, 'copy of the AWS PrivateLink pricing page (first PB a month)'),
  entry('vpc.gateway-endpoint', 0, 'endpoint', SRC.vpcEndpoint, `${THIRD_PARTY}: gateway endpoints (S3, DynamoDB) have no hourly or data charge`),

  entry('glue.catalog.objects', 0, 'month (under 1 million objects)', SRC.glue, 'AWS: "You can store the first million objects and make a million requests per month for free"'),
  entry('budgets.budget-day', 0, 'budget-day (no actions)', SRC.budgets, 'AWS Price List export: "$0.00 for Budget-days"'),
  entry('budgets.action-enabled-budget-day', 0.1, 'action-enabled budget-day', SRC.budgets, 'AWS Price List export: the first 62 action-enabled budget-days a month are free (two budgets), then $0.10 per budget-day'),
  entry('ce.anomaly-detection', 0, 'monitor or subscription', SRC.anomalyDetection, `${THIRD_PARTY}: "included in Cost Explorer and can be used without additional charges"`),
];

const BY_KEY: ReadonlyMap<string, Price> = new Map(PRICES.map((p) => [p.key, p]));

/** The price of `key`, or undefined. */
export function findPrice(key: string): Price | undefined {
  return BY_KEY.get(key);
}

/** The price of `key`. @throws UnpricedError naming the key. */
export function price(key: string): Price {
  const found = BY_KEY.get(key);
  if (!found) throw new UnpricedError(`no price for ${key} in lib/cost/prices.ts`);
  return found;
}

// Regions that share us-east-1's rates for the services priced here (the Step Functions page shows
// the same rate for all three; the NAT gateway and SageMaker sources quote the US East/West rates alike).
const SAME_AS_US_EAST_1 = new Set(['us-east-1', 'us-east-2', 'us-west-2']);

/** Factor applied to the us-east-1 prices for a region, and why. */
export function regionalFactor(region: string): { readonly factor: number; readonly note: string } {
  if (region === 'us-east-1') return { factor: 1, note: 'us-east-1: the price table\'s region' };
  if (SAME_AS_US_EAST_1.has(region)) return { factor: 1, note: `${region} shares us-east-1's prices for these services` };
  return { factor: 1, note: `${region}: priced at us-east-1 rates: no regional price table` };
}
