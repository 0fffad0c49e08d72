import { AspectPriority, Aspects, Stage, Tags, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { RequiredTagsAspect } from '../aspects/required-tags';
import { stageTags, type StageConfig } from '../config';
import { MODEL_TAG_KEY, modelStackName as modelStackNameOf, REQUIRED_TAG_KEYS, stackName as stackNameOf, type StackPart } from '../contract';
import { DataStack } from '../stacks/data-stack';
import { GovernanceStack } from '../stacks/governance-stack';
import { ModelStack } from '../stacks/model-stack';
import { NetworkStack } from '../stacks/network-stack';
import { RuntimeStack } from '../stacks/runtime-stack';

export interface GantryStageProps extends StageProps {
  /** The validated stage config. */
  readonly config: StageConfig;
}

/** One deployment of Gantry: an account and region, with its stacks, tagged for cost. */
export class GantryStage extends Stage {
  public readonly config: StageConfig;
  public readonly data: DataStack;
  public readonly runtime: RuntimeStack;
  /** The VPC of SageMaker jobs, when the config asks for one. */
  public readonly network?: NetworkStack;
  /** Budgets, the cost-anomaly monitor and their alerts topic. */
  public readonly governance: GovernanceStack;
  /** One stack per model definition, by model name. */
  public readonly models: ReadonlyMap<string, ModelStack>;

  constructor(scope: Construct, id: string, props: GantryStageProps) {
    super(scope, id, { ...props, env: props.env ?? { account: props.config.account, region: props.config.region } });
    this.config = props.config;
    const stackName = (part: StackPart) => stackNameOf(props.config.name, part);

    this.data = new DataStack(this, 'Data', {
      stackName: stackName('data'),
      description: `Gantry ${props.config.name}: KMS key, data lake, feature store, model registry (stateful)`,
      terminationProtection: props.config.removalPolicy === 'retain',
      config: props.config,
    });

    if (props.config.vpc) {
      this.network = new NetworkStack(this, 'Network', {
        stackName: stackName('network'),
        description: `Gantry ${props.config.name}: VPC for SageMaker jobs and endpoints`,
        vpc: props.config.vpc,
        logKey: this.data.key,
        logRetention: props.config.logRetentionDays,
      });
    }
    this.runtime = new RuntimeStack(this, 'Runtime', {
      stackName: stackName('runtime'),
      description: `Gantry ${props.config.name}: Lambda functions shared by every model`,
      stageName: props.config.name,
      data: this.data,
      logRetention: props.config.logRetentionDays,
      network: this.network?.network,
    });
    const models = new Map<string, ModelStack>();
    for (const model of props.config.models) {
      // The id is the model name: stable, and unique because the config refuses duplicates.
      const stack = new ModelStack(this, `Model-${model.name}`, {
        stackName: modelStackNameOf(props.config.name, model.name),
        description: `Gantry ${props.config.name}: model ${model.name}`,
        stage: props.config,
        model,
        data: this.data,
        runtime: this.runtime,
        network: this.network?.network,
      });
      Tags.of(stack).add(MODEL_TAG_KEY, model.name);
      // The owning team pays for its model's resources.
      Tags.of(stack).add('Team', model.ownerTeam);
      Aspects.of(stack).add(new RequiredTagsAspect([MODEL_TAG_KEY]), { priority: AspectPriority.READONLY });
      models.set(model.name, stack);
    }
    this.models = models;

    this.governance = new GovernanceStack(this, 'Governance', {
      stackName: stackName('governance'),
      description: `Gantry ${props.config.name}: budgets, cost-anomaly alerts${props.config.budgets.payerAccount ? ', cost-allocation tag activation' : ''}`,
      config: props.config,
      key: this.data.key,
    });

    for (const [key, value] of Object.entries(stageTags(props.config))) Tags.of(this).add(key, value);
    Aspects.of(this).add(new RequiredTagsAspect(REQUIRED_TAG_KEYS), { priority: AspectPriority.READONLY });
  }
}
