import { AssetHashType, BundlingOutput, DockerImage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const PROJECT_ROOT = join(__dirname, '..', '..', '..');

export interface ModelCodeProps {
  /** Training entry point, relative to the project root (its folder is the source dir). */
  readonly entryPoint: string;
  /** Preprocessing script, relative to the project root. */
  readonly preprocessScript: string;
}

/** A model's entry point or preprocessing script is not in the project. */
export class ModelCodeNotFoundError extends Error {
  constructor(public readonly path: string) {
    super(`ModelCode: ${path} does not exist (check training.entryPoint and preprocessing.script)`);
    this.name = 'ModelCodeNotFoundError';
  }
}

/**
 * A model's code as S3 assets: the training source dir as `sourcedir.tar.gz` (what SageMaker
 * script mode downloads and unpacks) and the preprocessing script as a single file.
 */
export class ModelCode extends Construct {
  /** The training source dir, as `sourcedir.tar.gz`. */
  public readonly sourceDir: s3assets.Asset;
  /** The preprocessing script, as a single file. */
  public readonly preprocessScript: s3assets.Asset;
  /** File name of the preprocessing script in its S3 prefix (its asset key). */
  public readonly preprocessScriptName: string;

  constructor(scope: Construct, id: string, props: ModelCodeProps) {
    super(scope, id);
    const sourceDir = join(PROJECT_ROOT, dirname(props.entryPoint));
    for (const path of [join(PROJECT_ROOT, props.entryPoint), join(PROJECT_ROOT, props.preprocessScript)]) {
      if (!existsSync(path)) throw new ModelCodeNotFoundError(path);
    }
    this.sourceDir = new s3assets.Asset(this, 'SourceDir', {
      path: sourceDir,
      assetHashType: AssetHashType.SOURCE,
      exclude: ['__pycache__', '*.pyc', 'sample-data'],
      bundling: {
        // Local tar, no Docker: SageMaker wants a tar.gz, and CDK zips directories.
        local: {
          tryBundle(outputDir: string): boolean {
            execFileSync('tar', ['-czf', join(outputDir, 'sourcedir.tar.gz'), '--exclude=__pycache__', '--exclude=*.pyc', '--exclude=sample-data', '-C', sourceDir, '.']);
            return true;
          },
        },
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/alpine:3'),
        outputType: BundlingOutput.ARCHIVED,
      },
    });
    this.preprocessScript = new s3assets.Asset(this, 'PreprocessScript', { path: join(PROJECT_ROOT, props.preprocessScript) });
    this.preprocessScriptName = basename(this.preprocessScript.s3ObjectKey);
  }

  /**
   * Lets a role (the SageMaker job role) download the code: the two objects themselves, since
   * the asset bucket holds every asset of the account. The Processing job reads the script as
   * an `S3Prefix` input, which SageMaker lists first, so the role may also list the bucket, but
   * only with the script's own key as the prefix.
   */
  grantRead(grantee: iam.IGrantable): void {
    const assets = [this.sourceDir, this.preprocessScript];
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: assets.map((a) => a.bucket.arnForObjects(a.s3ObjectKey)) }));
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.preprocessScript.bucket.bucketArn],
        conditions: { StringEquals: { 's3:prefix': this.preprocessScript.s3ObjectKey } },
      }),
    );
  }
}
