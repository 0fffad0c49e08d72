import { CfnOutput } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { parameterName } from '../../contract';

export interface PublishedNamesProps {
  /** Stage whose names these are; parameters live under `/gantry/<stage>/`. */
  readonly stageName: string;
  /** Key (below `/gantry/<stage>/`, e.g. `tables/registry`) to resource name or ARN. */
  readonly values: Readonly<Record<string, string>>;
}

/**
 * Publishes resource names as SSM parameters (for the CLI and application clients, which find
 * a stage's resources by stage name alone) and as stack outputs (for people).
 */
export class PublishedNames extends Construct {
  /** The parameters, by key. */
  public readonly parameters: Readonly<Record<string, ssm.StringParameter>>;

  constructor(scope: Construct, id: string, props: PublishedNamesProps) {
    super(scope, id);
    const parameters: Record<string, ssm.StringParameter> = {};
    for (const [key, value] of Object.entries(props.values)) {
      if (!/^[a-z0-9-]+(\/[a-z0-9-]+)*$/.test(key)) throw new Error(`PublishedNames key must be lower-case path segments like "tables/registry", got "${key}"`);
      // Construct ids derive from the published key, which is part of the stable contract.
      const constructId = key.split(/[/-]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
      parameters[key] = new ssm.StringParameter(this, constructId, {
        parameterName: parameterName(props.stageName, key),
        stringValue: value,
        description: `Gantry ${props.stageName}: ${key}`,
      });
      new CfnOutput(this, `${constructId}Output`, { value, description: parameterName(props.stageName, key) });
    }
    this.parameters = parameters;
  }
}
