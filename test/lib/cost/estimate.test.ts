import { beforeAll, describe, expect, it } from 'vitest';
import { churnModel, CPU_INFERENCE_IMAGE, NEURON_INFERENCE_IMAGE } from '../../../lib/config/models/churn';
import type { ModelConfigInput, StageConfig } from '../../../lib/config';
import { COST_TAG_KEYS } from '../../../lib/contract';
import { estimateStage, findPrice, UnpricedError, UNTAGGED, type CostEstimate, type StackTemplate } from '../../../lib/cost';
import { stageConfig } from '../../support/app';
import { breakdown, estimate, lineOf, stageCopy, stageTemplates } from './stage-templates';

/** The churn model with some fields replaced (usage, preprocessing) beyond what churnModel() overrides. */
function churn(overrides: Parameters<typeof churnModel>[0], extra: Partial<ModelConfigInput> = {}): ModelConfigInput {
  return { ...churnModel(overrides), ...extra };
}

describe('estimateStage', () => {
  describe('an inf2 endpoint (2 × ml.inf2.xlarge, drift every 30 minutes)', () => {
    let e: CostEstimate;
    beforeAll(() => {
      const raw = stageCopy('dev');
      raw.models = [
        churn(
          {
            serving: {
              target: 'inf2',
              instanceType: 'ml.inf2.xlarge',
              image: NEURON_INFERENCE_IMAGE,
              initialInstanceCount: 2,
              autoscaling: { minInstances: 2, maxInstances: 4 },
              dataCaptureSamplingPercent: 20,
            },
            drift: { schedule: 'rate(30 minutes)' },
          },
          { usage: { invocationsPerMonth: 1_000_000, payloadKb: 4 } },
        ),
      ];
      e = estimate(raw).estimate;
    });

    it('prices the endpoint at its minimum instances around the clock, idle and expected', () => {
      // 2 instances × 730 h × $0.99/h = $1,445.40
      const line = lineOf(e, 'churn/endpoint');
      expect(line.idleUsd).toBeCloseTo(1445.4, 9);
      expect(line.expectedUsd).toBeCloseTo(1445.4, 9);
      expect(line.prices).toEqual(['sagemaker.hosting.ml.inf2.xlarge']);
    });

    it('prices the captured payloads, the drift checks, and no compile line when the Neuron container compiles at load', () => {
      // 1,000,000 invocations × 20 % × 4 KB = 800,000 KB = 0.762939453125 GB × $0.023 = $0.017547607421875
      expect(lineOf(e, 'churn/data-capture').expectedUsd).toBeCloseTo(0.017547607421875, 12);
      // 30 × 24 × 60 / 30 = 1,440 checks × 20 s × 1 GB = 28,800 GB-s × $0.0000133334 = $0.38400192
      //   + 1,440 requests × $0.20/million = $0.000288                      → Lambda $0.38428992
      // idle: + 2 empty-window metrics × $0.30 = $0.60                      → $0.98428992
      // expected: + 16 metrics (5 window + 4 numeric × 2 + 1 string × 1 + 2 prediction) × $0.30 = $4.80 → $5.18428992
      const drift = lineOf(e, 'churn/drift');
      expect(drift.idleUsd).toBeCloseTo(0.98428992, 10);
      expect(drift.expectedUsd).toBeCloseTo(5.18428992, 10);
      expect(e.lines.some((l) => l.resource === 'churn/compile')).toBe(false);
    });

    it('prices each alarm per metric it reads: a metric-math alarm reads two', () => {
      // 5xx rate = errors / invocations: 2 MetricStat entries × $0.10; the latency alarm reads 1
      expect(lineOf(e, 'Endpoint5xxRate0521AB53').idleUsd).toBeCloseTo(0.2, 12);
      expect(lineOf(e, 'EndpointLatencyP991A69B559').idleUsd).toBeCloseTo(0.1, 12);
    });

    it('adds up the idle total by hand', () => {
      // endpoint 1,445.40 + drift 0.98428992 + dashboard 3.00 + KMS key 1.00
      // + 4 alarms reading 5 metrics (latency 1, 5xx rate 2, model errors 1, drift 1) × $0.10 = 0.50
      // + schedules: training cron 4 runs × $1/million = 0.000004, drift 1,440 × $1/million = 0.00144
      // = $1,450.88573392
      expect(e.idleUsd, breakdown(e, 'idleUsd')).toBeCloseTo(1450.88573392, 8);
    });
  });

  describe('a serverless endpoint (4 GB, 250 ms, 2 million invocations)', () => {
    let e: CostEstimate;
    beforeAll(() => {
      const raw = stageCopy('dev');
      raw.models = [
        churn(
          { serving: { target: 'serverless', image: CPU_INFERENCE_IMAGE, serverless: { memorySizeMb: 4096, maxConcurrency: 5 } } },
          { usage: { invocationsPerMonth: 2_000_000, serverlessDurationMs: 250, payloadKb: 8 } },
        ),
      ];
      e = estimate(raw).estimate;
    });

    it('prices compute and data processed, nothing when idle, and no capture or drift', () => {
      // 4 GB × 0.25 s × 2,000,000 = 2,000,000 GB-s × $0.00002 = $40
      // + 2,000,000 × 8 KB = 16,000,000 KB = 15.2587890625 GB × $0.016 = $0.244140625 → $40.244140625
      const line = lineOf(e, 'churn/endpoint');
      expect(line.idleUsd).toBe(0);
      expect(line.expectedUsd).toBeCloseTo(40.244140625, 9);
      expect(e.lines.map((l) => l.resource)).not.toContain('churn/data-capture');
      expect(e.lines.map((l) => l.resource)).not.toContain('churn/drift');
    });

    it('adds up the idle and expected totals by hand', () => {
      // idle: dashboard 3 + KMS 1 + 3 alarms reading 4 metrics × $0.10 = 0.40 + training schedule 4 × $1/million
      //     = $4.400004
      expect(e.idleUsd, breakdown(e, 'idleUsd')).toBeCloseTo(4.400004, 9);
      // expected, line by line:
      //   idle                                                                      4.400004
      //   endpoint                                                                 40.244140625
      //   training 4 runs × 1 h × ml.g5.2xlarge $1.515 × (1 − 0.70)                 1.818
      //   processing 4 × 0.25 h × ml.m5.xlarge $0.23                                0.23
      //   lake 50 GB over 5 zone buckets × $0.023                                   1.15
      //   feature table 2,000,000 reads × $0.125/M = 0.25
      //     + 2,000,000 KB = 1.9073486328125 GB × ($0.25 + $0.20 PITR) = 0.858306884765625  1.108306884765625
      //   registry 60 writes × $0.625/M + 120 reads × $0.125/M
      //     + 60 KB = 0.0000572204589844 GB × $0.45                                 0.0000782492065430
      //   logs 1 GB × $0.50 (split over the log groups)                             0.5
      //   Step Functions 160 + 120 transitions × $0.025/1,000                       0.007
      //   Lambda 254 GB-s × $0.0000133334 + 32 requests × $0.20/M                   0.0033930836
      //   SNS 18 + 10 publishes × $0.50/M                                           0.000014
      //   = $49.46093684257217
      expect(e.expectedUsd, breakdown(e, 'expectedUsd')).toBeCloseTo(49.46093684257217, 9);
    });
  });

  describe('GPU spot training (2 × ml.g5.12xlarge, 8 runs of 3 h, 60 % spot discount)', () => {
    const raw = () => {
      const stage = stageCopy('dev');
      const model = churn(
        { serving: { target: 'serverless', image: CPU_INFERENCE_IMAGE, serverless: { memorySizeMb: 2048, maxConcurrency: 5 } }, training: { instanceType: 'ml.g5.12xlarge', instanceCount: 2 } },
        { usage: { trainingRunsPerMonth: 8, trainingHoursPerRun: 3, spotDiscountPercent: 60, processingHoursPerRun: 0.5 } },
      );
      stage.models = [{ ...model, preprocessing: { ...model.preprocessing, instanceType: 'ml.m5.large' } }];
      return stage;
    };
    let spot: CostEstimate;
    beforeAll(() => {
      spot = estimate(raw()).estimate;
    });

    it('discounts spot training and prices preprocessing', () => {
      // 8 runs × 3 h × 2 instances = 48 instance-hours × $7.09 × (1 − 0.60) = $136.128
      const training = lineOf(spot, 'churn/training');
      expect(training.idleUsd).toBe(0);
      expect(training.expectedUsd).toBeCloseTo(136.128, 9);
      // 8 jobs × 0.5 h × ml.m5.large $0.115 = $0.46
      expect(lineOf(spot, 'churn/processing').expectedUsd).toBeCloseTo(0.46, 9);
    });

    it('charges the on-demand rate when spot is off', () => {
      const stage = raw();
      const [model] = stage.models!;
      stage.models = [{ ...model!, training: { ...model!.training, spot: { enabled: false } } }];
      // 48 instance-hours × $7.09 = $340.32
      expect(lineOf(estimate(stage).estimate, 'churn/training').expectedUsd).toBeCloseTo(340.32, 9);
    });
  });

  describe('a VPC stage with NAT (3 AZs, 2 NAT gateways, 100 GB through NAT)', () => {
    let e: CostEstimate;
    let stacks: StackTemplate[];
    beforeAll(() => {
      const raw = stageCopy('prod');
      raw.vpc = { cidr: '10.40.0.0/16', maxAzs: 3, natGateways: 2 };
      raw.usage = { natGbPerMonth: 100 };
      ({ estimate: e, stacks } = estimate(raw));
    });

    it('synthesizes what the arithmetic assumes', () => {
      const network = stacks.find((s) => s.stackName === 'gantry-prod-network')!;
      const resources = Object.values(network.template.Resources ?? {});
      expect(resources.filter((r) => r.Type === 'AWS::EC2::NatGateway')).toHaveLength(2);
      const interfaces = resources.filter((r) => r.Type === 'AWS::EC2::VPCEndpoint' && r.Properties?.['VpcEndpointType'] === 'Interface');
      expect(interfaces).toHaveLength(6);
      for (const endpoint of interfaces) expect(endpoint.Properties?.['SubnetIds']).toHaveLength(3);
    });

    it('prices NAT gateways by the hour idle and splits the NAT data between them', () => {
      // each: 730 h × $0.045 = $32.85 idle; expected + 100 GB / 2 = 50 GB × $0.045 = $2.25 → $35.10
      const nats = e.lines.filter((l) => l.type === 'AWS::EC2::NatGateway');
      expect(nats).toHaveLength(2);
      for (const nat of nats) {
        expect(nat.idleUsd).toBeCloseTo(32.85, 9);
        expect(nat.expectedUsd).toBeCloseTo(35.1, 9);
      }
    });

    it('adds up the network stack by hand', () => {
      // idle: NAT 2 × 32.85 = 65.70 + Elastic IPs 2 × 730 h × $0.005 = 7.30
      //   + interface endpoints 6 × 3 AZs × 730 h × $0.01 = 131.40 (the S3 gateway endpoint is free) = $204.40
      // expected: + NAT data 100 GB × $0.045 = 4.50 + the flow-log group's share of 1 GB of logs: 1/12 GB × $0.50
      const network = e.lines.filter((l) => l.stack === 'gantry-prod-network');
      const idle = network.reduce((a, l) => a + l.idleUsd, 0);
      const expected = network.reduce((a, l) => a + l.expectedUsd, 0);
      const logGroups = e.lines.filter((l) => l.type === 'AWS::Logs::LogGroup').length;
      expect(logGroups).toBe(12);
      expect(idle).toBeCloseTo(204.4, 9);
      expect(expected).toBeCloseTo(204.4 + 4.5 + 0.5 / 12, 9);
    });
  });

  describe('throws UnpricedError', () => {
    let prodStacks: StackTemplate[];
    let prod: StageConfig;
    beforeAll(() => {
      prodStacks = stageTemplates('prod');
      prod = stageConfig('prod');
    });

    it('throws when an instance type has no price, naming the model, the field and the type', () => {
      const bad = { ...prod, models: prod.models.map((m) => ({ ...m, serving: { ...m.serving, instanceType: 'ml.g9.huge' } })) };
      expect(() => estimateStage(bad, prodStacks)).toThrow(UnpricedError);
      expect(() => estimateStage(bad, prodStacks)).toThrow('model churn: no price for serving.instanceType ml.g9.huge (sagemaker.hosting) in lib/cost/prices.ts');
    });

    it('throws when a known instance type has no sourced price', () => {
      expect(findPrice('sagemaker.hosting.ml.c6i.large')).toBeUndefined();
      const raw = stageCopy('prod');
      raw.models = [churn({ serving: { target: 'cpu', instanceType: 'ml.c6i.large', image: CPU_INFERENCE_IMAGE } })];
      const config = stageConfig(raw);
      expect(() => estimateStage(config, prodStacks)).toThrow(/model churn: no price for serving\.instanceType ml\.c6i\.large/);
    });

    it('throws when a resource type is neither priced nor free, naming it and its stack', () => {
      const withQueue = prodStacks.map((s) =>
        s.stackName === 'gantry-prod-runtime' ? { ...s, template: { Resources: { ...s.template.Resources, Bogus: { Type: 'AWS::SQS::Queue', Properties: {} } } } } : s,
      );
      expect(() => estimateStage(prod, withQueue)).toThrow(UnpricedError);
      expect(() => estimateStage(prod, withQueue)).toThrow(/no price for resource type AWS::SQS::Queue \(Bogus in stack gantry-prod-runtime\)/);
    });

    it('charges action-enabled budgets beyond the first two, and nothing for plain budgets', () => {
      const budgets = prodStacks.find((s) => s.stackName === 'gantry-prod-governance')!;
      const ids = Object.entries(budgets.template.Resources ?? {}).filter(([, r]) => r.Type === 'AWS::Budgets::Budget').map(([id]) => id);
      expect(ids).toHaveLength(3);
      expect(estimateStage(prod, prodStacks).lines.filter((l) => l.type === 'AWS::Budgets::Budget').map((l) => l.expectedUsd)).toEqual([0, 0, 0]);
      const actions = Object.fromEntries(ids.map((id) => [`Action${id}`, { Type: 'AWS::Budgets::BudgetsAction', Properties: { BudgetName: { Ref: id } } }]));
      const withActions = prodStacks.map((s) => (s === budgets ? { ...s, template: { Resources: { ...s.template.Resources, ...actions } } } : s));
      // The first two action-enabled budgets are free; the third: 730 h / 24 = 30.41666… days × $0.10
      const costs = estimateStage(prod, withActions).lines.filter((l) => l.type === 'AWS::Budgets::Budget').map((l) => l.idleUsd);
      expect(costs.slice(0, 2)).toEqual([0, 0]);
      expect(costs[2]).toBeCloseTo((730 / 24) * 0.1, 12);
    });

    it('throws for a billable variant of a free type (an advanced SSM parameter)', () => {
      const advanced = prodStacks.map((s) =>
        s.stackName === 'gantry-prod-data' ? { ...s, template: { Resources: { ...s.template.Resources, Big: { Type: 'AWS::SSM::Parameter', Properties: { Tier: 'Advanced' } } } } } : s,
      );
      expect(() => estimateStage(prod, advanced)).toThrow(/AWS::SSM::Parameter \(Big in stack gantry-prod-data\) with Tier Advanced/);
    });
  });

  describe('the shipped stages', () => {
    let dev: CostEstimate;
    let prod: CostEstimate;
    beforeAll(() => {
      dev = estimate('dev').estimate;
      prod = estimate('prod').estimate;
    });

    it('keeps the dev stage under $5 a month when idle', () => {
      expect(dev.idleUsd, `dev idle $${dev.idleUsd.toFixed(2)}:\n${breakdown(dev, 'idleUsd')}`).toBeLessThan(5);
    });

    it('prices prod above its always-on endpoint and network', () => {
      // 2 × ml.inf2.xlarge (canary needs two) × 730 h × $0.99 = $1,445.40, NAT $32.85, EIP $3.65, 6 endpoints × 2 AZs × $7.30 = $87.60
      expect(lineOf(prod, 'churn/endpoint').idleUsd).toBeCloseTo(1445.4, 9);
      expect(prod.idleUsd, breakdown(prod, 'idleUsd')).toBeGreaterThan(1445.4 + 32.85 + 3.65 + 87.6);
      expect(prod.expectedUsd).toBeGreaterThan(prod.idleUsd);
    });

    it('tags modelled lines with the stage tags, the owner team and the model', () => {
      expect(lineOf(prod, 'churn/endpoint').tags).toEqual({ CostCenter: 'CC-1001', Team: 'growth-ml', Project: 'gantry', Environment: 'prod', Model: 'churn' });
    });

    it('totals every cost tag to the stage totals, counting lines without the tag as untagged', () => {
      for (const e of [dev, prod]) {
        for (const tag of COST_TAG_KEYS) {
          const totals = e.byTag.filter((t) => t.tag === tag);
          expect(totals.reduce((a, t) => a + t.idleUsd, 0)).toBeCloseTo(e.idleUsd, 9);
          expect(totals.reduce((a, t) => a + t.expectedUsd, 0)).toBeCloseTo(e.expectedUsd, 9);
        }
        const model = e.byTag.filter((t) => t.tag === 'Model').map((t) => t.value);
        expect(model).toEqual(['churn', UNTAGGED]);
        // Shared (platform) resources carry no Model tag: e.g. the KMS key.
        expect(lineOf(e, 'Key961B73FD').tags.Model).toBeUndefined();
      }
    });

    it('cites a price for every line but the Neo compile line, and lists the free resources with a reason', () => {
      for (const line of [...dev.lines, ...prod.lines]) {
        if (line.type === 'modelled:sagemaker-neo-compile') continue;
        expect(line.prices.length, `${line.stack} ${line.resource}`).toBeGreaterThan(0);
        for (const key of line.prices) expect(findPrice(key), key).toBeDefined();
      }
      expect(prod.freeResources).toContainEqual({ type: 'AWS::IAM::Role', count: expect.any(Number), reason: 'IAM has no charge' });
      expect(prod.pricesRetrieved).toBe('2026-11-22');
    });
  });

  describe('regional factor', () => {
    it('says when a region is priced at us-east-1 rates for want of a regional table', () => {
      const raw = stageCopy('dev');
      raw.region = 'eu-west-1';
      const { estimate: e } = estimate(raw);
      expect(e.regionalFactor).toEqual({ factor: 1, note: 'eu-west-1: priced at us-east-1 rates: no regional price table' });
    });

    it('says that us-west-2 shares us-east-1 prices', () => {
      const raw = stageCopy('dev');
      raw.region = 'us-west-2';
      const { estimate: e } = estimate(raw);
      expect(e.regionalFactor.factor).toBe(1);
      expect(e.regionalFactor.note).toBe("us-west-2 shares us-east-1's prices for these services");
      expect(e.idleUsd).toBeCloseTo(4.400004, 9);
    });
  });
});
