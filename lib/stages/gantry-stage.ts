import { AspectPriority, Aspects, Stage, Tags, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { RequiredTagsAspect } from '../aspects/required-tags';
import type { StageConfig } from '../config';
import { REQUIRED_TAG_KEYS, type RequiredTagKey } from '../contract';
import { DataStack } from '../stacks/data-stack';

export interface GantryStageProps extends StageProps {
  /** The validated stage config. */
  readonly config: StageConfig;
}

/** The tag values of a stage, by tag key. */
export function stageTags(config: StageConfig): Record<RequiredTagKey, string> {
  return { CostCenter: config.tags.costCenter, Team: config.tags.team, Project: config.tags.project, Environment: config.tags.environment };
}

/** One deployment of Gantry: an account and region, with its stacks, tagged for cost. */
export class GantryStage extends Stage {
  public readonly config: StageConfig;
  public readonly data: DataStack;

  constructor(scope: Construct, id: string, props: GantryStageProps) {
    super(scope, id, { ...props, env: props.env ?? { account: props.config.account, region: props.config.region } });
    this.config = props.config;
    const stackName = (suffix: string) => `gantry-${props.config.name}-${suffix}`;

    this.data = new DataStack(this, 'Data', {
      stackName: stackName('data'),
      description: `Gantry ${props.config.name}: KMS key, data lake, feature store, model registry (stateful)`,
      terminationProtection: props.config.removalPolicy === 'retain',
      config: props.config,
    });

    for (const [key, value] of Object.entries(stageTags(props.config))) Tags.of(this).add(key, value);
    Aspects.of(this).add(new RequiredTagsAspect(REQUIRED_TAG_KEYS), { priority: AspectPriority.READONLY });
  }
}
