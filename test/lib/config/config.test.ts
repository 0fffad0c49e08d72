import { describe, expect, it } from 'vitest';
import { checkStagesApart, ConfigError, loadAllStageConfigs, loadStageConfig, parseStageConfig, STAGES, type StageConfigInput } from '../../../lib/config';

/** A deep copy of the shipped dev stage, changed by `edit`. */
function devWith(edit: (c: Record<string, any>) => void): StageConfigInput {
  const copy = structuredClone(STAGES.dev) as Record<string, any>;
  edit(copy);
  return copy as StageConfigInput;
}

function problemsOf(raw: unknown): string[] {
  try {
    parseStageConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.path}|${p.message}|${JSON.stringify(p.value)}`);
  }
  throw new Error('expected the config to be rejected');
}

describe('shipped stages', () => {
  it('validate, with defaults filled in', () => {
    const [dev, prod] = loadAllStageConfigs();
    expect(dev!.name).toBe('dev');
    expect(dev!.account).toBeUndefined();
    expect(dev!.removalPolicy).toBe('destroy');
    expect(dev!.lake).toEqual({ tieringMinObjectSizeBytes: 131072, noncurrentVersionExpirationDays: 30, abortIncompleteUploadDays: 7, accessLogRetentionDays: 365 });
    expect(prod!.account).toMatch(/^\d{12}$/);
    expect(prod!.removalPolicy).toBe('retain');
    const churn = prod!.models[0]!;
    expect(churn.training).toMatchObject({ instanceType: 'ml.g5.2xlarge', instanceCount: 1, accelerator: 'gpu', spot: { enabled: true, maxWaitSeconds: 14400 } });
    expect(churn.serving).toMatchObject({ target: 'inf2', instanceType: 'ml.inf2.xlarge', strategy: 'canary' });
    expect(churn.drift).toEqual({ schedule: 'rate(15 minutes)', windowMinutes: 15, psiThreshold: 0.2, ksThreshold: 0.1, consecutiveWindows: 2, retrainOnDrift: true });
  });

  it('run prod on two instances or more, which its canary needs (https://docs.aws.amazon.com/wellarchitected/latest/machine-learning-lens/mlcost05-bp03.html)', () => {
    const serving = loadStageConfig('prod').models[0]!.serving;
    expect(serving).toMatchObject({ strategy: 'canary', initialInstanceCount: 2, autoscaling: { minInstances: 2, maxInstances: 4 } });
  });

  it('default maxWaitSeconds to twice the run time', () => {
    const config = parseStageConfig(devWith((c) => {
      c.models[0].training.maxRuntimeSeconds = 1000;
      delete c.models[0].training.spot;
    }));
    expect(config.models[0]!.training.spot).toEqual({ enabled: true, maxWaitSeconds: 2000 });
  });

  it('default the deployment strategy per target: canary, but all-at-once for serverless', () => {
    expect(loadStageConfig('prod').models[0]!.serving.strategy).toBe('canary');
    expect(loadStageConfig('dev').models[0]!.serving.strategy).toBe('all-at-once');
    expect(loadStageConfig('prod').models[0]!.serving.deployment).toEqual({ canaryPercent: 10, linearStepPercent: 20, bakeMinutes: 10, terminationWaitMinutes: 5, timeoutMinutes: 90 });
  });

  it('default the serving instance per target', () => {
    const config = parseStageConfig(devWith((c) => {
      c.models[0].serving = { target: 'gpu' };
    }));
    expect(config.models[0]!.serving.instanceType).toBe('ml.g5.xlarge');
  });

  it('throws when the stage name is unknown, listing the known ones', () => {
    expect(() => loadStageConfig('qa')).toThrow(/stage: unknown stage; known stages: dev, prod \(got "qa"\)/);
  });
});

describe('bad configs fail with the field path and the bad value', () => {
  const cases: Array<[string, (c: Record<string, any>) => void, RegExp]> = [
    ['an unknown top-level key', (c) => (c.regoin = 'us-east-1'), /^regoin\|unknown key/],
    ['an unknown nested key', (c) => (c.models[0].training.instanceTyp = 'ml.g5.xlarge'), /^models\[0\]\.training\.instanceTyp\|unknown key/],
    ['a missing region', (c) => delete c.region, /^region\|is required/],
    ['a malformed account', (c) => (c.account = '1234'), /^account\|must be a 12-digit AWS account id\|"1234"/],
    ['a malformed region', (c) => (c.region = 'mars-1'), /^region\|must be an AWS region.*\|"mars-1"/],
    ['an empty cost tag', (c) => (c.tags.team = ''), /^tags\.team\|must not be empty\|""/],
    ['a tag value with forbidden characters', (c) => (c.tags.costCenter = 'CC#1'), /^tags\.costCenter\|may only contain.*\|"CC#1"/],
    ['a negative budget', (c) => (c.budgets.monthlyLimitUsd = -5), /^budgets\.monthlyLimitUsd\|must be a positive amount in USD\|-5/],
    ['a bad subscriber email', (c) => (c.budgets.subscriberEmails = ['finance']), /^budgets\.subscriberEmails\[0\]\|must be an email address\|"finance"/],
    ['a production stage that destroys data', (c) => { c.tags.environment = 'production'; c.removalPolicy = 'destroy'; }, /^removalPolicy\|must be "retain" for a production environment.*\|"destroy"/],
    ['an unknown training instance type', (c) => (c.models[0].training.instanceType = 'ml.g9.huge'), /^models\[0\]\.training\.instanceType\|unknown training instance type.*\|"ml.g9.huge"/],
    ['a GPU job on a CPU instance', (c) => (c.models[0].training.instanceType = 'ml.m5.xlarge'), /^models\[0\]\.training\.instanceType\|the job is declared GPU.*ml\.m5\.xlarge has no GPU\|"ml.m5.xlarge"/],
    ['MaxWait not above MaxRuntime', (c) => (c.models[0].training.spot = { enabled: true, maxWaitSeconds: 7200 }), /^models\[0\]\.training\.spot\.maxWaitSeconds\|must be greater than training\.maxRuntimeSeconds \(7200\).*\|7200/],
    ['a schedule that does not parse', (c) => (c.models[0].training.schedule = 'every monday'), /^models\[0\]\.training\.schedule\|is not a valid schedule.*\|"every monday"/],
    ['a cron with both day fields set', (c) => (c.models[0].training.schedule = 'cron(0 3 * * MON *)'), /^models\[0\]\.training\.schedule\|is not a valid schedule: exactly one of day-of-month and day-of-week must be "\?"/],
    ['an inf2 target for a framework no Inferentia2 compiler takes', (c) => { c.models[0].framework.name = 'xgboost'; c.models[0].serving = { target: 'inf2' }; }, /^models\[0\]\.framework\.name\|Inferentia2 serves models compiled by torch-neuronx, tensorflow-neuronx or SageMaker Neo, none of which compiles xgboost.*\|"xgboost"/],
    ['a serving instance that does not match the target', (c) => (c.models[0].serving = { target: 'inf2', instanceType: 'ml.g5.xlarge' }), /^models\[0\]\.serving\.instanceType\|serving\.target "inf2" needs an instance with accelerator "inferentia".*\|"ml.g5.xlarge"/],
    ['serverless without its settings', (c) => (c.models[0].serving = { target: 'serverless' }), /^models\[0\]\.serving\.serverless\|is required when serving\.target is "serverless"/],
    ['a serverless memory size SageMaker does not offer', (c) => (c.models[0].serving.serverless.memorySizeMb = 1000), /^models\[0\]\.serving\.serverless\.memorySizeMb\|must be one of 1024, 2048.*\|1000/],
    ['autoscaling min above max', (c) => (c.models[0].serving = { target: 'cpu', autoscaling: { minInstances: 5, maxInstances: 2 } }), /^models\[0\]\.serving\.autoscaling\.minInstances\|must not exceed serving\.autoscaling\.maxInstances \(2\)\|5/],
    ['a model name that is not kebab-case', (c) => (c.models[0].name = 'Churn_Model'), /^models\[0\]\.name\|must be lower-case kebab-case.*\|"Churn_Model"/],
    ['two models with one name', (c) => c.models.push(structuredClone(c.models[0])), /^models\[1\]\.name\|duplicates models\[0\]\.name\|"churn"/],
    ['an image that is not in ECR', (c) => (c.models[0].training.image = 'docker.io/pytorch/pytorch:latest'), /^models\[0\]\.training\.image\|must be an ECR image URI.*\|"docker.io\/pytorch\/pytorch:latest"/],
    ['a script path that escapes the project', (c) => (c.models[0].training.entryPoint = '../secrets.py'), /^models\[0\]\.training\.entryPoint\|must be a relative path.*\|"..\/secrets.py"/],
    ['a VPC CIDR that is too small', (c) => (c.vpc = { cidr: '10.0.0.0/28' }), /^vpc\.cidr\|the prefix length must be between \/16 and \/24\|"10.0.0.0\/28"/],
    ['canary traffic shifting on a serverless endpoint', (c) => (c.models[0].serving.strategy = 'canary'), /^models\[0\]\.serving\.strategy\|SageMaker has no deployment guardrails .* for serverless endpoints; use "all-at-once"\|"canary"/],
    ['linear traffic shifting on a serverless endpoint', (c) => (c.models[0].serving.strategy = 'linear'), /^models\[0\]\.serving\.strategy\|SageMaker has no deployment guardrails/],
    ['a canary above half the fleet', (c) => (c.models[0].serving = { target: 'cpu', deployment: { canaryPercent: 60 } }), /^models\[0\]\.serving\.deployment\.canaryPercent\|must be at most 50: SageMaker caps the canary at half the fleet\|60/],
    ['a linear step below 10 %', (c) => (c.models[0].serving = { target: 'cpu', deployment: { linearStepPercent: 5 } }), /^models\[0\]\.serving\.deployment\.linearStepPercent\|must be at least 10 \(SageMaker allows 10 to 50\)\|5/],
    ['a bake longer than SageMaker waits', (c) => (c.models[0].serving = { target: 'cpu', deployment: { bakeMinutes: 90 } }), /^models\[0\]\.serving\.deployment\.bakeMinutes\|must be at most 60: SageMaker's WaitIntervalInSeconds is at most 3600\|90/],
    ['scaling an instance endpoint to zero', (c) => (c.models[0].serving = { target: 'cpu', autoscaling: { minInstances: 0, maxInstances: 2 } }), /^models\[0\]\.serving\.autoscaling\.minInstances\|SageMaker keeps at least one instance .*use serving\.target "serverless" to scale to zero\|0/],
    ['an initial instance count outside the autoscaling range', (c) => (c.models[0].serving = { target: 'cpu', initialInstanceCount: 3, autoscaling: { minInstances: 1, maxInstances: 2 } }), /^models\[0\]\.serving\.initialInstanceCount\|must lie within serving\.autoscaling \(1 to 2\)\|3/],
    ['stage and model names too long for SageMaker names', (c) => { c.name = 'development-east'; c.models[0].name = 'customer-churn-predictor'; }, /^models\[0\]\.name\|with stage name "development-east" is too long for SageMaker's 63-character names \(a deployment's model and endpoint config\): .* may have 38 characters together, these have 40\|"customer-churn-predictor"/],
    ['a drift window that does not end on a quarter hour', (c) => (c.models[0].drift = { schedule: 'rate(5 minutes)' }), /^models\[0\]\.drift\.schedule\|a rate schedule sets the drift window, which must be a multiple of 15 minutes.*\|"rate\(5 minutes\)"/],
    ['a drift window of 20 minutes', (c) => (c.models[0].drift = { windowMinutes: 20 }), /^models\[0\]\.drift\.windowMinutes\|must be a multiple of 15: windows end on a quarter hour\|20/],
    ['a wrong type', (c) => (c.models[0].training.instanceCount = '2'), /^models\[0\]\.training\.instanceCount\|.*expected number.*\|"2"/],
  ];

  it.each(cases)('throws for %s', (_label, edit, expected) => {
    const problems = problemsOf(devWith(edit));
    expect(problems.some((p) => expected.test(p)), `problems were:\n${problems.join('\n')}`).toBe(true);
  });

  it('reports every problem at once, in a message that names stage, path and value', () => {
    const raw = devWith((c) => {
      c.account = 'abc';
      c.models[0].training.instanceType = 'ml.nope';
    });
    expect(() => parseStageConfig(raw)).toThrow(ConfigError);
    try {
      parseStageConfig(raw);
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('invalid config for stage "dev"');
      expect(message).toContain('account: must be a 12-digit AWS account id (got "abc")');
      expect(message).toMatch(/models\[0\]\.training\.instanceType: unknown training instance type; known: .* \(got "ml\.nope"\)/);
    }
  });

  it('throws for input that is not an object at all', () => {
    expect(() => parseStageConfig('dev')).toThrow(/invalid config for stage "\(unnamed\)":\n {2}- \(root\): .*object/);
  });
});

/** A dev copy serving churn on `serving` (an instance endpoint), changed by `edit`. */
function servingWith(serving: Record<string, unknown>, edit: (c: Record<string, any>) => void = () => {}): StageConfigInput {
  return devWith((c) => {
    c.models[0].serving = serving;
    edit(c);
  });
}

describe('service limits checked at synth (lib/config/service-limits.ts)', () => {
  const cases: Array<[string, StageConfigInput, RegExp]> = [
    [
      'a canary on a one-instance fleet (SageMaker TrafficRoutingConfig: CanarySize at most 50 % of the variant\'s instance count)',
      servingWith({ target: 'cpu', strategy: 'canary' }),
      /^models\[0\]\.serving\.strategy\|canary needs at least 2 instances: a canary is at most 50 % of the variant's instances and at least one \(https:\/\/docs\.aws\.amazon\.com\/sagemaker\/latest\/APIReference\/API_TrafficRoutingConfig\.html\).*serving\.autoscaling\.minInstances \(1\) to maxInstances \(2\)\. Set serving\.autoscaling\.minInstances and serving\.initialInstanceCount to 2 or more, or use strategy "all-at-once"\|"canary"/,
    ],
    [
      'autoscaling can shrink a canary fleet to one instance (SageMaker UpdateEndpoint RetainAllVariantProperties keeps the scaled count)',
      servingWith({ target: 'gpu', strategy: 'canary', initialInstanceCount: 2, autoscaling: { minInstances: 1, maxInstances: 4 } }),
      /^models\[0\]\.serving\.strategy\|canary needs at least 2 instances: .*RetainAllVariantProperties.*minInstances \(1\)/,
    ],
    [
      'a linear deployment on a one-instance fleet (SageMaker TrafficRoutingConfig: LinearStepSize 10-50 % of the instance count)',
      servingWith({ target: 'cpu', strategy: 'linear', autoscaling: { minInstances: 1, maxInstances: 1 } }),
      /^models\[0\]\.serving\.strategy\|linear needs at least 2 instances: a linear step is 10 to 50 % of the variant's instances/,
    ],
    [
      'a 50 % linear step is more than half of an odd fleet when rounded up (SageMaker CapacitySize documents no rounding)',
      servingWith({ target: 'cpu', strategy: 'linear', initialInstanceCount: 2, autoscaling: { minInstances: 2, maxInstances: 3 }, deployment: { linearStepPercent: 50 } }),
      /^models\[0\]\.serving\.strategy\|linear at serving\.deployment\.linearStepPercent 50 % is more than half of a 3-instance fleet if SageMaker rounds it up to 2 instances: .*Set serving\.deployment\.linearStepPercent to 33 or less\|"linear"/,
    ],
    [
      'a 50 % canary on three instances (SageMaker TrafficRoutingConfig: CanarySize at most 50 %)',
      servingWith({ target: 'cpu', strategy: 'canary', initialInstanceCount: 3, autoscaling: { minInstances: 3, maxInstances: 3 }, deployment: { canaryPercent: 50 } }),
      /^models\[0\]\.serving\.strategy\|canary at serving\.deployment\.canaryPercent 50 % is more than half of a 3-instance fleet .*Set serving\.deployment\.canaryPercent to 33 or less/,
    ],
    [
      'one model name is another plus a hyphen (IAM resource patterns gantry-<stage>-<model>-* of one model match the other)',
      devWith((c) => c.models.push({ ...structuredClone(c.models[0]), name: 'churn-eu' })),
      /^models\[1\]\.name\|starts with models\[0\]\.name "churn" and a hyphen: IAM grants a model its SageMaker jobs, models and endpoint configs by the prefix gantry-<stage>-<model>-\*, so the patterns of "churn" would match this model's resources; rename one of them\|"churn-eu"/,
    ],
    [
      'the longer model name comes first (IAM resource patterns, either order)',
      devWith((c) => c.models.unshift({ ...structuredClone(c.models[0]), name: 'churn-v2' })),
      /^models\[0\]\.name\|starts with models\[1\]\.name "churn" and a hyphen/,
    ],
    [
      'stage and model names leave a training job name over 63 characters (SageMaker CreateTrainingJob TrainingJobName: 63 characters)',
      devWith((c) => { c.name = 'a234567890123456'; c.models[0].name = 'b2345678901234567890123'; }),
      /^models\[0\]\.name\|with stage name "a234567890123456" is too long for SageMaker's 63-character names .*: stage and model names may have 38 characters together, these have 39\|"b2345678901234567890123"/,
    ],
    [
      'SageMaker Neo is asked to compile PyTorch 2.5 for ml_inf2 (Neo inference images: Inferentia2 has PyTorch 1.13.1 and TensorFlow 2.10.1)',
      servingWith({ target: 'inf2', compiler: 'neo' }),
      /^models\[0\]\.framework\.version\|serving\.compiler "neo": SageMaker Neo compiles only pytorch 1\.13\/1\.13\.1, tensorflow 2\.10\/2\.10\.1 for ml_inf2, not pytorch 2\.5 \(https:\/\/docs\.aws\.amazon\.com\/sagemaker\/latest\/dg\/neo-deployment-hosting-services-container-images\.html\); use serving\.compiler "neuronx".*\|"2\.5"/,
    ],
    [
      'SageMaker Neo compiles for ml_inf2 outside us-east-2 (Neo inference images: "us-east-2 for Inferentia2")',
      servingWith({ target: 'inf2', compiler: 'neo' }, (c) => (c.models[0].framework.version = '1.13')),
      /^region\|serving\.compiler "neo": SageMaker Neo compiles for ml_inf2 only in us-east-2, not us-east-1 .*\|"us-east-1"/,
    ],
    [
      'a compiler on a model not served on Inferentia2',
      servingWith({ target: 'gpu', compiler: 'neo' }),
      /^models\[0\]\.serving\.compiler\|only applies to serving\.target "inf2" \(models compiled for Inferentia2\), not "gpu"\|"neo"/,
    ],
    [
      'a log retention CloudWatch Logs does not accept (CloudWatch Logs PutRetentionPolicy retentionInDays)',
      devWith((c) => (c.logRetentionDays = 366)),
      /^logRetentionDays\|must be one of the retention periods CloudWatch Logs accepts \(https:\/\/docs\.aws\.amazon\.com\/AmazonCloudWatchLogs\/latest\/APIReference\/API_PutRetentionPolicy\.html\): 1, 3, 5, .*, 3653\|366/,
    ],
    ['a log retention of zero days (CloudWatch Logs PutRetentionPolicy)', devWith((c) => (c.logRetentionDays = 0)), /^logRetentionDays\|must be one of the retention periods CloudWatch Logs accepts.*\|0/],
    ['a log retention given as a string', devWith((c) => (c.logRetentionDays = '365')), /^logRetentionDays\|.*expected number.*\|"365"/],
    [
      'an approval wait longer than a Step Functions execution (Step Functions quotas: an execution runs at most one year)',
      devWith((c) => (c.models[0].training.approvalTimeoutHours = 24 * 300 + 1)),
      /^models\[0\]\.training\.approvalTimeoutHours\|must be at most 7200 \(300 days\): the whole run, approval included, must fit in a Step Functions standard execution \(one year\)\|7201/,
    ],
    ['an approval wait of zero hours', devWith((c) => (c.models[0].training.approvalTimeoutHours = 0)), /^models\[0\]\.training\.approvalTimeoutHours\|.*>=1.*\|0/],
    ['an approval wait in fractions of an hour', devWith((c) => (c.models[0].training.approvalTimeoutHours = 1.5)), /^models\[0\]\.training\.approvalTimeoutHours\|.*int.*\|1\.5/],
  ];

  it.each(cases)('throws when %s', (_label, raw, expected) => {
    const problems = problemsOf(raw);
    expect(problems.some((p) => expected.test(p)), `problems were:\n${problems.join('\n')}`).toBe(true);
  });

  it('defaults the strategy to canary only where every fleet size allows one, else all-at-once', () => {
    expect(parseStageConfig(servingWith({ target: 'cpu' })).models[0]!.serving.strategy).toBe('all-at-once');
    expect(parseStageConfig(servingWith({ target: 'cpu', initialInstanceCount: 2, autoscaling: { minInstances: 2, maxInstances: 4 } })).models[0]!.serving.strategy).toBe('canary');
    expect(parseStageConfig(servingWith({ target: 'cpu', strategy: 'all-at-once' })).models[0]!.serving.strategy).toBe('all-at-once');
  });

  it('accepts canary and linear on fleets SageMaker can shift (2 to 4 instances at 10 and 20 %)', () => {
    for (const strategy of ['canary', 'linear']) {
      const config = parseStageConfig(servingWith({ target: 'inf2', strategy, initialInstanceCount: 2, autoscaling: { minInstances: 2, maxInstances: 4 } }));
      expect(config.models[0]!.serving.strategy).toBe(strategy);
    }
  });

  it('compiles for Inferentia2 with torch-neuronx unless Neo is chosen, and accepts Neo for what it documents (PyTorch 1.13 in us-east-2)', () => {
    expect(loadStageConfig('prod').models[0]!.serving.compiler).toBe('neuronx');
    expect(loadStageConfig('dev').models[0]!.serving.compiler).toBeUndefined();
    const neo = parseStageConfig(servingWith({ target: 'inf2', compiler: 'neo' }, (c) => { c.region = 'us-east-2'; c.models[0].framework.version = '1.13'; }));
    expect(neo.models[0]!.serving.compiler).toBe('neo');
  });

  it('accepts models whose names share a prefix without the hyphen (churn, churner)', () => {
    const config = parseStageConfig(devWith((c) => c.models.push({ ...structuredClone(c.models[0]), name: 'churner' })));
    expect(config.models.map((m) => m.name)).toEqual(['churn', 'churner']);
  });

  it('accepts the longest names that fit: 16-character stage and 22-character model', () => {
    const config = parseStageConfig(devWith((c) => { c.name = 'a234567890123456'; c.models[0].name = 'b234567890123456789012'; }));
    expect(config.name.length + config.models[0]!.name.length).toBe(38);
  });

  it('accepts every log retention CloudWatch Logs offers and approval waits up to 300 days', () => {
    expect(parseStageConfig(devWith((c) => (c.logRetentionDays = 3653))).logRetentionDays).toBe(3653);
    expect(parseStageConfig(devWith((c) => delete c.logRetentionDays)).logRetentionDays).toBe(365);
    expect(parseStageConfig(devWith((c) => (c.models[0].training.approvalTimeoutHours = 7200))).models[0]!.training.approvalTimeoutHours).toBe(7200);
    expect(loadStageConfig('dev').models[0]!.training.approvalTimeoutHours).toBe(168);
  });
});

describe('checkStagesApart (stages that may share an account)', () => {
  const named = (name: string, account?: string) => parseStageConfig({ ...structuredClone(STAGES.dev), name, ...(account ? { account } : {}) });

  it('throws when a stage is another\'s name plus a dash and they may share an account: gantry-dev-* would match dev-eu', () => {
    expect(() => checkStagesApart([named('dev'), named('dev-eu')])).toThrow(
      'invalid config for stage "dev-eu":\n  - name: starts with stage "dev" and a dash, and the two may share an account: the IAM patterns gantry-dev-* of "dev" would match this stage\'s resources; rename one, or give both an account (got "dev-eu")',
    );
    expect(() => checkStagesApart([named('dev', '111111111111'), named('dev-eu')])).toThrow(/gantry-dev-\*/);
  });

  it('accepts such names in two different accounts, and unrelated names anywhere', () => {
    expect(checkStagesApart([named('dev', '111111111111'), named('dev-eu', '222222222222')])).toHaveLength(2);
    expect(checkStagesApart([named('dev'), named('devtest'), named('prod')])).toHaveLength(3);
  });
});
