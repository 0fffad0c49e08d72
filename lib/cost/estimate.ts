/**
 * The monthly cost estimate of a stage: every resource of its synthesized templates, priced or
 * explicitly free, plus the SageMaker resources the workflows create at run time (CloudFormation
 * cannot see them), modelled from the config. An unknown resource or instance type throws
 * `UnpricedError`: it is never priced as zero.
 *
 * Money keeps full precision here; rendering rounds it (`render.ts`).
 */
import { compilesWithNeo, modelTags, type ModelConfig, type StageConfig } from '../config';
import { COST_TAG_KEYS, type CostTagKey, DRIFT_EVENT, FEATURE_TABLE, FUNCTION_NAMES, functionServiceName, type FunctionName, LAKE_ZONES, MODEL_TAG_KEY, modelStackName as modelStackNameOf, PARAMETER_KEYS, parameterName, REGISTRY_TABLE } from '../contract';
import { resourceTags } from './resource-tags';
import { DAYS_PER_MONTH, findPrice, HOURS_PER_MONTH, price, PRICES_RETRIEVED, regionalFactor, SAGEMAKER_USE_KEY } from './prices';
import { UnpricedError, type CostEstimate, type CostLine, type FreeResources, type StackTemplate, type TagTotal } from './types';

/** The value a line without a tag is grouped under. */
export const UNTAGGED = '(untagged)';

/** Minutes in the 30-day month drift checks and rate schedules are counted over. */
const MINUTES_PER_30_DAYS = 30 * 24 * 60;

const KB_PER_GB = 1024 * 1024;

/*
 * Usage assumptions that the config does not state. Each is named in the basis of the line that
 * uses it, so a reader can see and challenge it.
 */
const ASSUME = {
  /** State transitions of one run of the training workflow (validate, process, train, evaluate, gate, register, …). */
  trainingTransitions: 40,
  /** State transitions of one run of the deploy workflow (check, plan, deploy, wait, promote, …). */
  deployTransitions: 30,
  /** Deployments a month: each training run is assumed to lead to one (an upper bound). */
  deploymentsPerTrainingRun: 1,
  /** Preprocessing jobs per training run. */
  processingJobsPerTrainingRun: 1,
  /** Registry request units: per training run, per deployment and per drift check. */
  registry: {
    writesPerTrainingRun: 10,
    readsPerTrainingRun: 20,
    writesPerDeployment: 5,
    readsPerDeployment: 10,
    writesPerDriftCheck: 1,
    readsPerDriftCheck: 2,
    /** KB stored per registry write (one month of writes stays stored: an upper bound). */
    kbPerWrite: 1,
  },
  /** KB stored per online feature row; one row per invocation's entity (an upper bound of distinct entities). */
  featureRowKb: 1,
  /** SNS notifications a month on a model's topic besides training runs and deployments (alarm state changes). */
  alarmNotificationsPerMonth: 10,
  /** Notifications a month on a topic outside a model stack (budget and anomaly alerts). */
  otherTopicNotificationsPerMonth: 10,
  /** Window metrics the drift function publishes per model (DriftMaxPSI, DriftMaxKS, DriftDetected, DriftRecords, DriftMalformedRecords). */
  driftWindowMetrics: 5,
  /** Metrics a drift check publishes for an empty window (DriftRecords, DriftMalformedRecords): what an idle endpoint costs. */
  driftEmptyWindowMetrics: 2,
  /** The prediction's drift metrics (PSI and KS: the prediction is assumed numeric). */
  driftPredictionMetrics: 2,
  /** MB of the drift function when the templates do not show it. */
  driftFunctionMb: 1024,
} as const;

/**
 * Invocations a month of the shared runtime functions, by their Powertools service name, per
 * training run and per deployment, and the seconds one invocation takes.
 */
const FUNCTION_MODEL: Readonly<Record<Exclude<FunctionName, 'drift'>, { readonly perTrainingRun: number; readonly perDeployment: number; readonly seconds: number; readonly what: string }>> = {
  'validate-data': { perTrainingRun: 1, perDeployment: 0, seconds: 2, what: 'once per training run' },
  'baseline': { perTrainingRun: 1, perDeployment: 0, seconds: 60, what: 'once per training run (streams the training data)' },
  'evaluate': { perTrainingRun: 1, perDeployment: 0, seconds: 2, what: 'once per training run' },
  'gate': { perTrainingRun: 1, perDeployment: 0, seconds: 2, what: 'once per training run' },
  'register': { perTrainingRun: 1, perDeployment: 0, seconds: 2, what: 'once per training run' },
  'deploy': { perTrainingRun: 0, perDeployment: 3, seconds: 2, what: 'check, plan and promote per deployment' },
  'record-event': { perTrainingRun: 0, perDeployment: 0, seconds: 1, what: 'pipeline failures only' },
  'rollback': { perTrainingRun: 0, perDeployment: 0, seconds: 2, what: 'endpoint alarms only' },
};

const DRIFT_SERVICE = functionServiceName('drift');

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

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** Everything the handlers need: the config, the templates, and the derived usage. */
interface Context {
  readonly config: StageConfig;
  readonly stacks: readonly StackTemplate[];
  readonly logGroupCount: number;
  readonly natGatewayCount: number;
  readonly lakeBuckets: ReadonlyMap<string, string>;
  readonly actionEnabledBudgets: readonly string[];
  readonly emailSubscriptions: ReadonlyMap<string, number>;
}

/** A line being built: money in us-east-1 USD, before the regional factor. */
interface Draft {
  readonly resource: string;
  readonly type: string;
  readonly idleUsd: number;
  readonly expectedUsd: number;
  readonly basis: string;
  readonly prices: readonly string[];
}

/** Per-model figures the config implies. */
export interface ModelUsage {
  /** Drift checks a month (0 for serverless: SageMaker cannot capture data on serverless endpoints). */
  readonly driftChecks: number;
  /** Requests captured a month. */
  readonly capturedRequests: number;
  readonly trainingRuns: number;
  readonly deployments: number;
}

export function modelUsage(model: ModelConfig): ModelUsage {
  const serverless = model.serving.target === 'serverless';
  const u = model.usage;
  return {
    driftChecks: serverless ? 0 : MINUTES_PER_30_DAYS / model.drift.windowMinutes,
    capturedRequests: serverless ? 0 : (u.invocationsPerMonth * model.serving.dataCaptureSamplingPercent) / 100,
    trainingRuns: u.trainingRunsPerMonth,
    deployments: u.trainingRunsPerMonth * ASSUME.deploymentsPerTrainingRun,
  };
}

/**
 * Estimates one stage's monthly cost.
 * @throws UnpricedError for a resource type that is neither priced nor free, or an instance type without a price.
 */
export function estimateStage(config: StageConfig, stacks: readonly StackTemplate[]): CostEstimate {
  const ctx = context(config, stacks);
  const lines: CostLine[] = [];
  const free = new Map<string, number>();
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      const draft = priceResource(ctx, stack, logicalId, resource);
      if (draft === undefined) {
        free.set(resource.Type, (free.get(resource.Type) ?? 0) + 1);
        continue;
      }
      lines.push(finish(stack.stackName, draft, costTags(resource)));
    }
  }
  for (const model of config.models) {
    const stackName = modelStackName(config, stacks, model);
    const tags = modelTags(config, model);
    for (const draft of modelledLines(ctx, model)) lines.push(finish(stackName, draft, tags));
  }

  const region = regionalFactor(config.region);
  const priced = lines.map((l) => (region.factor === 1 ? l : { ...l, idleUsd: l.idleUsd * region.factor, expectedUsd: l.expectedUsd * region.factor }));
  const used = new Set(priced.flatMap((l) => l.prices));
  const dates = [...used].map((key) => price(key).retrieved).sort();
  const freeResources: FreeResources[] = [...free.entries()]
    .map(([type, count]) => ({ type, count, reason: freeReason(type) }))
    .sort((a, b) => a.type.localeCompare(b.type));
  return {
    stage: config.name,
    region: config.region,
    regionalFactor: region,
    idleUsd: sum(priced.map((l) => l.idleUsd)),
    expectedUsd: sum(priced.map((l) => l.expectedUsd)),
    lines: priced,
    byTag: tagTotals(priced),
    pricesRetrieved: dates[0] ?? PRICES_RETRIEVED,
    freeResources,
  };
}

function finish(stack: string, draft: Draft, tags: Readonly<Partial<Record<CostTagKey, string>>>): CostLine {
  return { stack, resource: draft.resource, type: draft.type, tags, idleUsd: draft.idleUsd, expectedUsd: draft.expectedUsd, basis: draft.basis, prices: draft.prices };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function context(config: StageConfig, stacks: readonly StackTemplate[]): Context {
  const all = stacks.flatMap((s) => Object.entries(s.template.Resources ?? {}).map(([id, r]) => ({ stack: s, id, r })));
  const ofType = (type: string) => all.filter((x) => x.r.Type === type);
  // The lake's zone buckets, found through the SSM parameters that publish their names.
  const lakeBuckets = new Map<string, string>();
  for (const { r } of ofType('AWS::SSM::Parameter')) {
    const ref = refOf(r.Properties?.['Value']);
    const zone = LAKE_ZONES.find((z) => r.Properties?.['Name'] === parameterName(config.name, PARAMETER_KEYS.bucket(z)));
    if (ref && zone) lakeBuckets.set(ref, zone);
  }
  // Budgets that an action makes action-enabled, in template order (the first two are free).
  const actionBudgets = new Set(ofType('AWS::Budgets::BudgetsAction').map(({ r }) => budgetNameOf(r.Properties?.['BudgetName'])));
  const actionEnabledBudgets = ofType('AWS::Budgets::Budget')
    .filter(({ id, r }) => actionBudgets.has(budgetNameOf((r.Properties?.['Budget'] as Record<string, unknown> | undefined)?.['BudgetName'])) || actionBudgets.has(id))
    .map(({ stack, id }) => `${stack.stackName}/${id}`);
  const emailSubscriptions = new Map<string, number>();
  for (const { stack, r } of ofType('AWS::SNS::Subscription')) {
    const topic = refOf(r.Properties?.['TopicArn']);
    if (topic && r.Properties?.['Protocol'] === 'email') emailSubscriptions.set(`${stack.stackName}/${topic}`, (emailSubscriptions.get(`${stack.stackName}/${topic}`) ?? 0) + 1);
  }
  return {
    config,
    stacks,
    logGroupCount: ofType('AWS::Logs::LogGroup').length,
    natGatewayCount: ofType('AWS::EC2::NatGateway').length,
    lakeBuckets,
    actionEnabledBudgets,
    emailSubscriptions,
  };
}

function refOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && typeof (value as { Ref?: unknown }).Ref === 'string') return (value as { Ref: string }).Ref;
  return undefined;
}

function budgetNameOf(value: unknown): string {
  return typeof value === 'string' ? value : (refOf(value) ?? JSON.stringify(value));
}

/** The five cost tags of a template resource. */
function costTags(resource: Resource): Partial<Record<CostTagKey, string>> {
  const tags = resourceTags(resource);
  const out: Partial<Record<CostTagKey, string>> = {};
  for (const key of COST_TAG_KEYS) if (typeof tags[key] === 'string') out[key] = tags[key] as string;
  return out;
}

/** The model a stack belongs to: the Model tag its resources carry. */
function stackModel(ctx: Context, stack: StackTemplate): ModelConfig | undefined {
  for (const resource of Object.values(stack.template.Resources ?? {})) {
    const name = resourceTags(resource)[MODEL_TAG_KEY];
    if (typeof name === 'string') return ctx.config.models.find((m) => m.name === name);
  }
  return undefined;
}

function modelStackName(config: StageConfig, stacks: readonly StackTemplate[], model: ModelConfig): string {
  const expected = modelStackNameOf(config.name, model.name);
  return (stacks.find((s) => s.stackName === expected) ?? stacks.find((s) => s.stackName.endsWith(`-model-${model.name}`)))?.stackName ?? expected;
}

function freeReason(type: string): string {
  if (type === 'AWS::SSM::Parameter') return 'standard-tier parameters are free';
  if (type === 'AWS::Events::Rule') return 'rules on AWS service events and schedules are free';
  if (type.startsWith('Custom::')) return FREE_RESOURCE_TYPES['AWS::CloudFormation::CustomResource']!;
  return FREE_RESOURCE_TYPES[type] ?? 'free';
}

/** A price, recorded for the line. */
class Prices {
  readonly keys: string[] = [];

  usd(key: string): number {
    if (!this.keys.includes(key)) this.keys.push(key);
    return price(key).usd;
  }
}

const money = (usd: number): string => `$${usd}`;
const count = (n: number): string => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 4 }));

// ---------------------------------------------------------------------------------------------
// Template resources
// ---------------------------------------------------------------------------------------------

function unpriced(type: string, logicalId: string, stack: StackTemplate, why = ''): UnpricedError {
  return new UnpricedError(`no price for resource type ${type} (${logicalId} in stack ${stack.stackName})${why}: price it in lib/cost/estimate.ts or list it as free`);
}

/** The line of one template resource, or undefined when the resource is free. */
function priceResource(ctx: Context, stack: StackTemplate, id: string, resource: Resource): Draft | undefined {
  const props = resource.Properties ?? {};
  const p = new Prices();
  const draft: DraftFn = (idleUsd, expectedUsd, basis) => ({ resource: id, type: resource.Type, idleUsd, expectedUsd, basis, prices: p.keys });
  const model = () => stackModel(ctx, stack);

  if (Object.hasOwn(FREE_RESOURCE_TYPES, resource.Type) || resource.Type.startsWith('Custom::')) return undefined;
  switch (resource.Type) {
    case 'AWS::SSM::Parameter': {
      const tier = props['Tier'];
      if (tier === undefined || tier === 'Standard') return undefined;
      throw unpriced(resource.Type, id, stack, ` with Tier ${String(tier)}`);
    }
    case 'AWS::KMS::Key': {
      const usd = p.usd('kms.key-month');
      const rotation = props['EnableKeyRotation'] === true ? '; automatic rotation adds $1/month per rotation from the first anniversary (at most two), not in this month' : '';
      return draft(usd, usd, `1 key × ${money(usd)}/key-month; requests not modelled (S3 bucket keys and DynamoDB cache data keys)${rotation}`);
    }
    case 'AWS::S3::Bucket':
      return s3Bucket(ctx, id, p, draft);
    case 'AWS::DynamoDB::Table':
      return dynamoTable(ctx, stack, id, props, p, draft);
    case 'AWS::Lambda::Function':
      return lambdaFunction(ctx, stack, id, props, p, draft);
    case 'AWS::StepFunctions::StateMachine': {
      const name = typeof props['StateMachineName'] === 'string' ? props['StateMachineName'] : id;
      const m = model();
      const kind = /training$/i.test(name) ? 'training' : /deploy$/i.test(name) ? 'deploy' : undefined;
      if (props['StateMachineType'] === 'EXPRESS') throw unpriced(resource.Type, id, stack, ' (Express workflow)');
      const rate = p.usd('stepfunctions.standard.transitions-1k');
      if (!m || !kind) return draft(0, 0, `no run model for this workflow: counted at 0 transitions (× ${money(rate)}/1,000)`);
      const u = modelUsage(m);
      const runs = kind === 'training' ? u.trainingRuns : u.deployments;
      const per = kind === 'training' ? ASSUME.trainingTransitions : ASSUME.deployTransitions;
      const transitions = runs * per;
      return draft(0, (transitions / 1000) * rate, `${count(runs)} ${kind === 'training' ? 'training runs' : 'deployments'} × ~${per} transitions = ${count(transitions)} × ${money(rate)}/1,000`);
    }
    case 'AWS::Logs::LogGroup': {
      const gb = ctx.config.usage.logsGbPerMonth / ctx.logGroupCount;
      const rate = p.usd('cloudwatch.logs.ingest-gb');
      return draft(0, gb * rate, `usage.logsGbPerMonth ${count(ctx.config.usage.logsGbPerMonth)} GB ÷ ${ctx.logGroupCount} log groups = ${count(gb)} GB × ${money(rate)}/GB ingested (storage after ingestion not priced)`);
    }
    case 'AWS::CloudWatch::Alarm': {
      const metrics = Array.isArray(props['Metrics']) ? (props['Metrics'] as { MetricStat?: unknown }[]).filter((m) => m.MetricStat !== undefined).length : props['MetricName'] !== undefined ? 1 : 0;
      if (metrics === 0) throw unpriced(resource.Type, id, stack, ' (an alarm without metrics, e.g. a Metrics Insights query)');
      const period = Number(props['Period'] ?? (props['Metrics'] as { MetricStat?: { Period?: number } }[] | undefined)?.find((m) => m.MetricStat)?.MetricStat?.Period ?? 60);
      if (period < 60) throw unpriced(resource.Type, id, stack, ' (high-resolution alarm)');
      const rate = p.usd('cloudwatch.alarm-metric-month');
      return draft(metrics * rate, metrics * rate, `${metrics} metric${metrics === 1 ? '' : 's'} read × ${money(rate)}/alarm metric-month`);
    }
    case 'AWS::CloudWatch::Dashboard': {
      const rate = p.usd('cloudwatch.dashboard-month');
      return draft(rate, rate, `1 dashboard × ${money(rate)}/month`);
    }
    case 'AWS::SNS::Topic': {
      const m = model();
      const u = m ? modelUsage(m) : undefined;
      const publishes = u ? u.trainingRuns + u.deployments + ASSUME.alarmNotificationsPerMonth : ASSUME.otherTopicNotificationsPerMonth;
      const emails = (ctx.emailSubscriptions.get(`${stack.stackName}/${id}`) ?? 0) * publishes;
      const rate = p.usd('sns.publish-million');
      const emailRate = emails > 0 ? p.usd('sns.email-100k') : 0;
      const why = m ? `training runs + deployments + ${ASSUME.alarmNotificationsPerMonth} alarm changes` : 'budget and anomaly alerts (assumed)';
      return draft(0, (publishes / 1e6) * rate + (emails / 1e5) * emailRate, `${count(publishes)} notifications (${why}) × ${money(rate)}/million${emails > 0 ? ` + ${count(emails)} emails × ${money(emailRate)}/100,000` : ''}`);
    }
    case 'AWS::Scheduler::Schedule': {
      const expression = String(props['ScheduleExpression'] ?? '');
      const rate = p.usd('scheduler.invocation-million');
      const period = ratePeriod(expression);
      const m = model();
      let invocations: number;
      let why: string;
      if (period !== undefined) {
        invocations = MINUTES_PER_30_DAYS / period;
        why = `${expression}: ${count(invocations)} invocations in 30 days`;
      } else if (m) {
        invocations = m.usage.trainingRunsPerMonth;
        why = `${expression}: usage.trainingRunsPerMonth ${count(invocations)} invocations`;
      } else {
        invocations = 30;
        why = `${expression}: assumed daily, 30 invocations`;
      }
      // A schedule fires whether or not there is traffic: its fee is idle cost too.
      const usd = (invocations / 1e6) * rate;
      return draft(usd, usd, `${why} × ${money(rate)}/million (14 million a month free, not applied)`);
    }
    case 'AWS::Events::Rule': {
      const sources = eventSources(props['EventPattern']);
      if (props['ScheduleExpression'] !== undefined || (sources.length > 0 && sources.every((s) => s.startsWith('aws.')))) return undefined;
      const rate = p.usd('eventbridge.custom-event-million');
      const m = model();
      if (sources.includes(DRIFT_EVENT.source) && m) {
        const events = modelUsage(m).driftChecks;
        return draft(0, (events / 1e6) * rate, `at most 1 ${DRIFT_EVENT.source} event per drift check: ${count(events)} × ${money(rate)}/million custom events`);
      }
      return draft(0, 0, `custom events from ${sources.join(', ') || 'an unknown source'}: no volume model, counted at 0 (× ${money(rate)}/million)`);
    }
    case 'AWS::EC2::NatGateway': {
      const hour = p.usd('vpc.nat-gateway-hour');
      const gbRate = p.usd('vpc.nat-gateway-gb');
      const gb = ctx.config.usage.natGbPerMonth / ctx.natGatewayCount;
      const idle = HOURS_PER_MONTH * hour;
      return draft(idle, idle + gb * gbRate, `${HOURS_PER_MONTH} h × ${money(hour)}/h; expected + usage.natGbPerMonth ${count(ctx.config.usage.natGbPerMonth)} GB ÷ ${ctx.natGatewayCount} NAT gateway(s) = ${count(gb)} GB × ${money(gbRate)}/GB`);
    }
    case 'AWS::EC2::EIP': {
      const hour = p.usd('vpc.public-ipv4-hour');
      const usd = HOURS_PER_MONTH * hour;
      return draft(usd, usd, `1 public IPv4 address × ${HOURS_PER_MONTH} h × ${money(hour)}/h`);
    }
    case 'AWS::EC2::VPCEndpoint': {
      if (props['VpcEndpointType'] === 'Gateway') {
        p.usd('vpc.gateway-endpoint');
        return draft(0, 0, 'gateway endpoint: no hourly or data charge');
      }
      if (props['VpcEndpointType'] !== undefined && props['VpcEndpointType'] !== 'Interface') throw unpriced(resource.Type, id, stack, ` (${String(props['VpcEndpointType'])} endpoint)`);
      const azs = Array.isArray(props['SubnetIds']) ? props['SubnetIds'].length : 0;
      if (azs === 0) throw unpriced(resource.Type, id, stack, ' (interface endpoint without SubnetIds: its AZ count is unknown)');
      const hour = p.usd('vpc.interface-endpoint-az-hour');
      const usd = azs * HOURS_PER_MONTH * hour;
      return draft(usd, usd, `${azs} AZ(s) × ${HOURS_PER_MONTH} h × ${money(hour)}/h; data processed not modelled (no usage figure; ${money(findPrice('vpc.interface-endpoint-gb')!.usd)}/GB)`);
    }
    case 'AWS::Budgets::Budget': {
      const index = ctx.actionEnabledBudgets.indexOf(`${stack.stackName}/${id}`);
      if (index < 0) {
        p.usd('budgets.budget-day');
        return draft(0, 0, 'budget without actions: no charge');
      }
      const day = p.usd('budgets.action-enabled-budget-day');
      const usd = index < 2 ? 0 : DAYS_PER_MONTH * day;
      return draft(usd, usd, index < 2 ? `action-enabled budget ${index + 1} of the account: the first two are free` : `action-enabled budget ${index + 1}: ${count(DAYS_PER_MONTH)} days × ${money(day)}/day`);
    }
    case 'AWS::CE::AnomalyMonitor':
    case 'AWS::CE::AnomalySubscription':
      p.usd('ce.anomaly-detection');
      return draft(0, 0, 'Cost Anomaly Detection has no charge');
    default:
      throw unpriced(resource.Type, id, stack);
  }
}

function eventSources(pattern: unknown): string[] {
  const source = (pattern as { source?: unknown } | undefined)?.source;
  return Array.isArray(source) ? source.filter((s): s is string => typeof s === 'string') : [];
}

function ratePeriod(expression: string): number | undefined {
  const match = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!match) return undefined;
  const n = Number(match[1]);
  return match[2]!.startsWith('minute') ? n : match[2]!.startsWith('hour') ? n * 60 : n * 1440;
}

type DraftFn = (idleUsd: number, expectedUsd: number, basis: string) => Draft;

function s3Bucket(ctx: Context, id: string, p: Prices, draft: DraftFn): Draft {
  const rate = p.usd('s3.standard.gb-month');
  const zone = ctx.lakeBuckets.get(id);
  if (zone === undefined) return draft(0, 0, `no data volume modelled for this bucket (e.g. access logs) × ${money(rate)}/GB-month`);
  const gb = ctx.config.usage.dataLakeGb / ctx.lakeBuckets.size;
  const capture = zone === 'capture' ? '; captured payloads are on the models\' data-capture lines' : '';
  return draft(0, gb * rate, `lake zone ${zone}: usage.dataLakeGb ${count(ctx.config.usage.dataLakeGb)} GB ÷ ${ctx.lakeBuckets.size} zones = ${count(gb)} GB × ${money(rate)}/GB-month${capture}; requests not modelled`);
}

function dynamoTable(ctx: Context, stack: StackTemplate, id: string, props: Record<string, unknown>, p: Prices, draft: DraftFn): Draft {
  if (props['BillingMode'] !== 'PAY_PER_REQUEST') throw unpriced('AWS::DynamoDB::Table', id, stack, ' with provisioned capacity');
  if (props['TableClass'] !== undefined && props['TableClass'] !== 'STANDARD') throw unpriced('AWS::DynamoDB::Table', id, stack, ` with table class ${String(props['TableClass'])}`);
  const keys = (props['KeySchema'] as { AttributeName: string; KeyType: string }[] | undefined) ?? [];
  const hash = keys.find((k) => k.KeyType === 'HASH')?.AttributeName;
  const pitr = (props['PointInTimeRecoverySpecification'] as { PointInTimeRecoveryEnabled?: boolean } | undefined)?.PointInTimeRecoveryEnabled === true;
  const models = ctx.config.models;
  let reads: number;
  let writes: number;
  let gb: number;
  let how: string;
  if (hash === FEATURE_TABLE.partitionKey) {
    reads = sum(models.filter((m) => m.features).map((m) => m.usage.invocationsPerMonth));
    writes = 0;
    gb = (reads * ASSUME.featureRowKb) / KB_PER_GB;
    how = `feature table: 1 read unit per feature lookup = ${count(reads)} reads (invocations of models with features); ${count(gb)} GB stored (${ASSUME.featureRowKb} KB row per invocation's entity, an upper bound); ingestion writes not modelled`;
  } else if (hash === REGISTRY_TABLE.partitionKey) {
    const r = ASSUME.registry;
    const usage = models.map(modelUsage);
    writes = sum(usage.map((u) => u.trainingRuns * r.writesPerTrainingRun + u.deployments * r.writesPerDeployment + u.driftChecks * r.writesPerDriftCheck));
    reads = sum(usage.map((u) => u.trainingRuns * r.readsPerTrainingRun + u.deployments * r.readsPerDeployment + u.driftChecks * r.readsPerDriftCheck));
    gb = (writes * r.kbPerWrite) / KB_PER_GB;
    how = `registry: ${r.writesPerTrainingRun}/${r.readsPerTrainingRun} writes/reads per training run, ${r.writesPerDeployment}/${r.readsPerDeployment} per deployment, ${r.writesPerDriftCheck}/${r.readsPerDriftCheck} per drift check = ${count(writes)} writes, ${count(reads)} reads; ${count(gb)} GB stored (a month of writes)`;
  } else {
    reads = 0;
    writes = 0;
    gb = 0;
    how = 'no usage model for this table: 0 requests, 0 GB';
  }
  const readRate = p.usd('dynamodb.on-demand.read-million');
  const writeRate = p.usd('dynamodb.on-demand.write-million');
  const storageRate = p.usd('dynamodb.storage.gb-month');
  const pitrRate = pitr ? p.usd('dynamodb.pitr.gb-month') : 0;
  const expected = (reads / 1e6) * readRate + (writes / 1e6) * writeRate + gb * storageRate + gb * pitrRate;
  return draft(
    0,
    expected,
    `on-demand, empty when idle; ${how}; × ${money(readRate)}/million reads, ${money(writeRate)}/million writes, ${money(storageRate)}/GB-month${pitr ? ` + PITR ${money(pitrRate)}/GB-month` : ''}`,
  );
}

function lambdaFunction(ctx: Context, stack: StackTemplate, id: string, props: Record<string, unknown>, p: Prices, draft: DraftFn): Draft {
  const arch = Array.isArray(props['Architectures']) ? props['Architectures'] : ['x86_64'];
  if (!arch.includes('arm64')) throw unpriced('AWS::Lambda::Function', id, stack, ' on x86_64 (only Arm is priced)');
  const mb = typeof props['MemorySize'] === 'number' ? props['MemorySize'] : 128;
  const service = serviceName(props);
  const gbs = p.usd('lambda.arm.gb-second');
  const req = p.usd('lambda.requests-million');
  if (service === DRIFT_SERVICE) return draft(0, 0, `drift checks are on the models' drift lines (× ${money(gbs)}/GB-s at ${mb} MB)`);
  const name = FUNCTION_NAMES.find((fn) => functionServiceName(fn) === service);
  // A function of the contract's list always has a model (the Record's type says so); anything else is not Gantry's.
  if (name === undefined || name === 'drift') throw new UnpricedError(`Lambda function with service name ${service ?? '(none)'} is not one of the stage's functions (${FUNCTION_NAMES.join(', ')})`);
  const model = FUNCTION_MODEL[name];
  const usage = ctx.config.models.map(modelUsage);
  const invocations = sum(usage.map((u) => u.trainingRuns * model.perTrainingRun + u.deployments * model.perDeployment));
  const gbSeconds = invocations * model.seconds * (mb / 1024);
  return draft(
    0,
    gbSeconds * gbs + (invocations / 1e6) * req,
    `${service}: ${model.what} = ${count(invocations)} invocations × ~${model.seconds} s × ${mb / 1024} GB = ${count(gbSeconds)} GB-s × ${money(gbs)} + requests × ${money(req)}/million`,
  );
}

function serviceName(props: Record<string, unknown>): string | undefined {
  const vars = (props['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables;
  const name = vars?.['POWERTOOLS_SERVICE_NAME'];
  return typeof name === 'string' ? name : undefined;
}

// ---------------------------------------------------------------------------------------------
// Modelled SageMaker resources (created by the workflows, not by CloudFormation)
// ---------------------------------------------------------------------------------------------

function instancePrice(p: Prices, model: ModelConfig, field: string, use: keyof typeof SAGEMAKER_USE_KEY, instanceType: string): number {
  const key = `${SAGEMAKER_USE_KEY[use]}.${instanceType}`;
  if (!findPrice(key)) throw new UnpricedError(`model ${model.name}: no price for ${field} ${instanceType} (${SAGEMAKER_USE_KEY[use]}) in lib/cost/prices.ts`);
  return p.usd(key);
}

function driftFunctionMb(ctx: Context): number {
  for (const stack of ctx.stacks) {
    for (const resource of Object.values(stack.template.Resources ?? {})) {
      const props = resource.Properties ?? {};
      if (resource.Type === 'AWS::Lambda::Function' && serviceName(props) === DRIFT_SERVICE && typeof props['MemorySize'] === 'number') return props['MemorySize'];
    }
  }
  return ASSUME.driftFunctionMb;
}

/** Custom metrics a drift check of the model publishes: the window's, then each feature's and the prediction's. */
function driftMetricCount(ctx: Context, model: ModelConfig): number {
  const group = model.features ? ctx.config.featureGroups.find((g) => g.name === model.features!.group) : undefined;
  const perFeature = (model.features?.features ?? []).map((name) => {
    const type = group?.features.find((f) => f.name === name)?.type;
    // PSI for every feature; KS for numeric ones.
    return type === 'double' || type === 'bigint' ? 2 : 1;
  });
  return ASSUME.driftWindowMetrics + sum(perFeature) + ASSUME.driftPredictionMetrics;
}

function modelledLines(ctx: Context, model: ModelConfig): Draft[] {
  const lines: Draft[] = [];
  const u = model.usage;
  const usage = modelUsage(model);
  const s = model.serving;

  // Endpoint.
  {
    const p = new Prices();
    if (s.target === 'serverless') {
      const memGb = s.serverless!.memorySizeMb / 1024;
      const gbs = p.usd('sagemaker.serverless.gb-second');
      const dataRate = p.usd('sagemaker.serverless.data-gb');
      const gbSeconds = memGb * (u.serverlessDurationMs / 1000) * u.invocationsPerMonth;
      const dataGb = (u.invocationsPerMonth * u.payloadKb) / KB_PER_GB;
      lines.push({
        resource: `${model.name}/endpoint`,
        type: 'modelled:sagemaker-endpoint',
        idleUsd: 0,
        expectedUsd: gbSeconds * gbs + dataGb * dataRate,
        basis: `serverless, nothing when idle; ${memGb} GB × ${u.serverlessDurationMs / 1000} s × ${count(u.invocationsPerMonth)} invocations = ${count(gbSeconds)} GB-s × ${money(gbs)} + ${count(dataGb)} GB processed × ${money(dataRate)}/GB`,
        prices: p.keys,
      });
    } else {
      const type = s.instanceType!;
      const rate = instancePrice(p, model, 'serving.instanceType', 'inference', type);
      const n = s.autoscaling.minInstances;
      const usd = n * HOURS_PER_MONTH * rate;
      lines.push({
        resource: `${model.name}/endpoint`,
        type: 'modelled:sagemaker-endpoint',
        idleUsd: usd,
        expectedUsd: usd,
        basis: `${n} × ${type} (autoscaling.minInstances) × ${HOURS_PER_MONTH} h × ${money(rate)}/h; scale-out above the minimum not modelled`,
        prices: p.keys,
      });
    }
  }

  // Data capture: SageMaker cannot capture data on serverless endpoints.
  if (s.target !== 'serverless') {
    const p = new Prices();
    const rate = p.usd('s3.standard.gb-month');
    const gb = (usage.capturedRequests * u.payloadKb) / KB_PER_GB;
    lines.push({
      resource: `${model.name}/data-capture`,
      type: 'modelled:sagemaker-data-capture',
      idleUsd: 0,
      expectedUsd: gb * rate,
      basis: `${count(u.invocationsPerMonth)} invocations × ${s.dataCaptureSamplingPercent} % × ${u.payloadKb} KB = ${count(gb)} GB × ${money(rate)}/GB-month (a month of captures)`,
      prices: p.keys,
    });
  }

  // Training.
  {
    const p = new Prices();
    const t = model.training;
    const rate = instancePrice(p, model, 'training.instanceType', 'training', t.instanceType);
    const hours = usage.trainingRuns * u.trainingHoursPerRun * t.instanceCount;
    const factor = t.spot.enabled ? 1 - u.spotDiscountPercent / 100 : 1;
    lines.push({
      resource: `${model.name}/training`,
      type: 'modelled:sagemaker-training',
      idleUsd: 0,
      expectedUsd: hours * rate * factor,
      basis: `${count(usage.trainingRuns)} runs × ${count(u.trainingHoursPerRun)} h × ${t.instanceCount} × ${t.instanceType} × ${money(rate)}/h${t.spot.enabled ? ` × (1 − ${u.spotDiscountPercent} % spot discount)` : ' (on-demand)'}`,
      prices: p.keys,
    });
  }

  // Preprocessing.
  {
    const p = new Prices();
    const type = model.preprocessing.instanceType;
    const rate = instancePrice(p, model, 'preprocessing.instanceType', 'processing', type);
    const jobs = usage.trainingRuns * ASSUME.processingJobsPerTrainingRun;
    lines.push({
      resource: `${model.name}/processing`,
      type: 'modelled:sagemaker-processing',
      idleUsd: 0,
      expectedUsd: jobs * u.processingHoursPerRun * rate,
      basis: `${count(jobs)} jobs (one per training run) × ${count(u.processingHoursPerRun)} h × ${type} × ${money(rate)}/h`,
      prices: p.keys,
    });
  }

  // Neo compilation for Inferentia2.
  if (compilesWithNeo(model)) {
    lines.push({
      resource: `${model.name}/compile`,
      type: 'modelled:sagemaker-neo-compile',
      idleUsd: 0,
      expectedUsd: 0,
      basis: `${count(usage.deployments)} Neo compile jobs (one per deployment): $0, SageMaker Neo lists no compilation charge (the price table holds no Neo rate; not independently sourced)`,
      prices: [],
    });
  }

  // Drift checks: the schedule fires whether or not the endpoint has traffic, so they are idle cost too.
  if (usage.driftChecks > 0) {
    const p = new Prices();
    const mb = driftFunctionMb(ctx);
    const gbs = p.usd('lambda.arm.gb-second');
    const req = p.usd('lambda.requests-million');
    const metric = p.usd('cloudwatch.custom-metric-month');
    const gbSeconds = usage.driftChecks * u.driftCheckSeconds * (mb / 1024);
    const lambda = gbSeconds * gbs + (usage.driftChecks / 1e6) * req;
    const metrics = driftMetricCount(ctx, model);
    lines.push({
      resource: `${model.name}/drift`,
      type: 'modelled:drift-checks',
      idleUsd: lambda + ASSUME.driftEmptyWindowMetrics * metric,
      expectedUsd: lambda + metrics * metric,
      basis: `30 × 24 × 60 ÷ ${model.drift.windowMinutes} min = ${count(usage.driftChecks)} checks × ${count(u.driftCheckSeconds)} s × ${mb / 1024} GB = ${count(gbSeconds)} GB-s × ${money(gbs)} + requests × ${money(req)}/million; custom metrics × ${money(metric)}/month: ${ASSUME.driftEmptyWindowMetrics} for empty windows (idle), ${metrics} with traffic (window, features, prediction)`,
      prices: p.keys,
    });
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Totals by tag
// ---------------------------------------------------------------------------------------------

function tagTotals(lines: readonly CostLine[]): TagTotal[] {
  const totals: TagTotal[] = [];
  for (const tag of COST_TAG_KEYS) {
    const byValue = new Map<string, { idle: number; expected: number }>();
    for (const line of lines) {
      const value = line.tags[tag] ?? UNTAGGED;
      const t = byValue.get(value) ?? { idle: 0, expected: 0 };
      t.idle += line.idleUsd;
      t.expected += line.expectedUsd;
      byValue.set(value, t);
    }
    const values = [...byValue.keys()].sort((a, b) => (a === UNTAGGED ? 1 : b === UNTAGGED ? -1 : a.localeCompare(b)));
    for (const value of values) totals.push({ tag, value, idleUsd: byValue.get(value)!.idle, expectedUsd: byValue.get(value)!.expected });
  }
  return totals;
}
