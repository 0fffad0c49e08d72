// Runs in every test worker before each test file.

export {};

process.env.AWS_EC2_METADATA_DISABLED = 'true';
// Handlers log through Powertools; the tests assert on results, not on log lines.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.AWS_REGION = 'us-east-1';
// Always the dummy keys, never a developer's real ones: nothing under test may reach AWS.
// s3rver only accepts the access key id S3RVER (it does not check SigV4 signatures), and
// DynamoDB Local with -sharedDb accepts anything, so code that builds its own clients
// talks to both.
process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;

import '../../tools/local/promise-with-resolvers';
