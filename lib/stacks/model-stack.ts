import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ModelConfig, StageConfig } from '../config';
import { endpointName, modelParameterKey, type ModelServingContract } from '../contract';
import { PublishedNames } from '../constructs/published-names/published-names';

export interface ModelStackProps extends StackProps {
  readonly stage: StageConfig;
  readonly model: ModelConfig;
}

/**
 * One model's stack (stateless). It publishes the model's serving contract for the application
 * client; the training and deploy workflows, alarms and schedules of later issues join it.
 */
export class ModelStack extends Stack {
  public readonly model: ModelConfig;
  /** What applications need to call the model, as published in SSM. */
  public readonly servingContract: ModelServingContract;

  constructor(scope: Construct, id: string, props: ModelStackProps) {
    super(scope, id, props);
    this.model = props.model;
    this.servingContract = {
      model: props.model.name,
      endpointName: endpointName(props.stage.name, props.model.name),
      contentType: props.model.serving.contentType,
      ...(props.model.features ? { features: { group: props.model.features.group, names: props.model.features.features } } : {}),
    };
    new PublishedNames(this, 'Names', {
      stageName: props.stage.name,
      values: { [modelParameterKey(props.model.name)]: JSON.stringify(this.servingContract) },
    });
  }
}
