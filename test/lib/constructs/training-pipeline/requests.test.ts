import { describe, expect, it } from 'vitest';
import { loadStageConfig, parseStageConfig, STAGES } from '../../../../lib/config';
import { compilationJobRequest, jobTags, processingJobRequest, trainingJobRequest, type JobLocations } from '../../../../lib/constructs/training-pipeline/requests';

const churn = loadStageConfig('prod').models[0]!;
const at: JobLocations = {
  stageName: 'prod',
  artifactsBucket: 'artifacts-bucket',
  roleArn: 'arn:aws:iam::111111111111:role/job',
  kmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/k',
  sourceDirUri: 's3://assets/sourcedir.tar.gz',
  preprocessCodeUri: 's3://assets/abc.py',
  preprocessScriptName: 'abc.py',
};
const tags = jobTags({ CostCenter: 'CC', Team: 'T', Project: 'P', Environment: 'prod', Model: 'churn' });

function withTraining(training: Record<string, unknown>) {
  const raw = structuredClone(STAGES.prod) as { models: Array<{ training: Record<string, unknown> }> };
  Object.assign(raw.models[0]!.training, training);
  return parseStageConfig(raw).models[0]!;
}

describe('trainingJobRequest', () => {
  const request = trainingJobRequest(churn, at, tags) as Record<string, any>;

  it('trains on the configured GPU instance at spot prices, waiting longer than it runs', () => {
    // g5 has NVMe instance storage, encrypted in hardware: SageMaker refuses a VolumeKmsKeyId for it.
    expect(request.ResourceConfig).toEqual({ InstanceType: 'ml.g5.2xlarge', InstanceCount: 1, VolumeSizeInGB: 50 });
    expect(request.EnableManagedSpotTraining).toBe(true);
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 7200, MaxWaitTimeInSeconds: 14400 });
    expect(request.StoppingCondition.MaxWaitTimeInSeconds).toBeGreaterThan(request.StoppingCondition.MaxRuntimeInSeconds);
  });

  it('encrypts the EBS volume of an instance type without instance storage with the stage key', () => {
    const onP3 = trainingJobRequest(withTraining({ instanceType: 'ml.p3.2xlarge' }), at, tags) as Record<string, any>;
    expect(onP3.ResourceConfig).toEqual({ InstanceType: 'ml.p3.2xlarge', InstanceCount: 1, VolumeSizeInGB: 50, VolumeKmsKeyId: at.kmsKeyArn });
  });

  it('checkpoints to artifacts/checkpoints/<model>/<execution>', () => {
    expect(request.CheckpointConfig).toEqual({ 'S3Uri.$': "States.Format('s3://artifacts-bucket/checkpoints/churn/{}/', $$.Execution.Name)", LocalPath: '/opt/ml/checkpoints' });
  });

  it('encrypts output and volume with the KMS key, and tags the job with the five tags and the execution', () => {
    expect(request.OutputDataConfig).toEqual({ S3OutputPath: 's3://artifacts-bucket/models/churn/', KmsKeyId: at.kmsKeyArn });
    expect(request.Tags).toEqual([
      { Key: 'CostCenter', Value: 'CC' },
      { Key: 'Team', Value: 'T' },
      { Key: 'Project', Value: 'P' },
      { Key: 'Environment', Value: 'prod' },
      { Key: 'Model', Value: 'churn' },
      { Key: 'ExecutionId', 'Value.$': '$$.Execution.Id' },
    ]);
  });

  it('reads the processed channels of this execution and names the job per run', () => {
    expect(request.InputDataConfig.map((c: any) => [c.ChannelName, c.DataSource.S3DataSource['S3Uri.$']])).toEqual([
      ['train', "States.Format('s3://artifacts-bucket/runs/churn/{}/processed/train/', $$.Execution.Name)"],
      ['validation', "States.Format('s3://artifacts-bucket/runs/churn/{}/processed/validation/', $$.Execution.Name)"],
    ]);
    expect(request['TrainingJobName.$']).toBe("States.Format('gantry-prod-churn-train-{}', $.run.id)");
    // validate-data's strings, not the raw overrides: SageMaker refuses a non-string value.
    expect(request['HyperParameters.$']).toBe('$.data.hyperparameters');
  });

  it('supports distributed training (encrypting traffic between instances), on-demand, network isolation and a VPC', () => {
    const model = withTraining({ instanceCount: 4, spot: { enabled: false }, networkIsolation: true });
    const distributed = trainingJobRequest(model, { ...at, vpc: { subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'] } }, tags) as Record<string, any>;
    expect(distributed.ResourceConfig.InstanceCount).toBe(4);
    expect(distributed.EnableInterContainerTrafficEncryption).toBe(true);
    expect(distributed.EnableManagedSpotTraining).toBe(false);
    expect(distributed.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 7200 });
    expect(distributed.EnableNetworkIsolation).toBe(true);
    expect(distributed.VpcConfig).toEqual({ Subnets: ['subnet-1'], SecurityGroupIds: ['sg-1'] });
  });
});

describe('processingJobRequest', () => {
  it('runs the preprocessing script from its asset on the data and writes train and validation outputs, encrypted and tagged', () => {
    const request = processingJobRequest(churn, at, tags) as Record<string, any>;
    expect(request.AppSpecification).toEqual({ ImageUri: churn.preprocessing.image, ContainerEntrypoint: ['python3', '/opt/ml/processing/input/code/abc.py'] });
    expect(request.ProcessingInputs.map((i: any) => [i.InputName, i.S3Input.S3Uri ?? i.S3Input['S3Uri.$']])).toEqual([
      ['data', '$.data.dataUri'],
      ['code', 's3://assets/abc.py'],
    ]);
    expect(request.ProcessingOutputConfig.KmsKeyId).toBe(at.kmsKeyArn);
    expect(request.ProcessingResources.ClusterConfig).toMatchObject({ InstanceType: 'ml.m5.xlarge', VolumeKmsKeyId: at.kmsKeyArn });
    expect(request.Tags).toBe(tags);
  });
});

describe('compilationJobRequest', () => {
  it('compiles the trained model for ml_inf2 with the features as input shape', () => {
    const request = compilationJobRequest(churn, at, tags, 5) as Record<string, any>;
    expect(request.InputConfig).toEqual({ 'S3Uri.$': '$.train.ModelArtifacts.S3ModelArtifacts', DataInputConfig: '{"input0":[1,5]}', Framework: 'PYTORCH', FrameworkVersion: '2.5' });
    expect(request.OutputConfig).toMatchObject({ TargetDevice: 'ml_inf2', KmsKeyId: at.kmsKeyArn });
    expect(request.Tags).toBe(tags);
  });

  it('throws when Neo cannot compile the framework', () => {
    const raw = structuredClone(STAGES.prod) as { models: Array<Record<string, any>> };
    raw.models[0]!.framework = { name: 'xgboost', version: '1.7' };
    raw.models[0]!.serving = { target: 'gpu' };
    const xgb = parseStageConfig(raw).models[0]!;
    expect(() => compilationJobRequest(xgb, at, tags, 5)).toThrow('model churn: SageMaker Neo cannot compile framework "xgboost" for ml_inf2');
  });
});
