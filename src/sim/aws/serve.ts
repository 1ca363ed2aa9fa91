// Serve a seeded fake AWS estate on 127.0.0.1 until interrupted, for trying dutybound by hand:
//   node src/sim/aws/serve.ts [seed] [accounts] [principalsPerAccount] [identityCenterUsers] [latencyMs]
// then, in another shell, export the printed variables and run `dutybound scan` with
//   aws: { organization: { enabled: true }, identityCenter: { enabled: true } }
import { createAwsEstate } from './estate.ts';
import { startAwsFake } from './server.ts';

const [seed = 1, accounts = 3, principals = 40, identityCenterUsers = 10, latencyMs = 0] = process.argv.slice(2).map(Number);
const estate = createAwsEstate(seed, { accounts, principalsPerAccount: principals, identityCenterUsers });
const fake = await startAwsFake(estate, { latencyMs, faults: { reportPolls: 0 } });
process.stdout.write(
  [
    `# fake AWS: ${accounts} accounts × ${principals} principals, ${identityCenterUsers} Identity Center users (seed ${seed})`,
    `export AWS_ENDPOINT_URL=${fake.url} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1`,
    '',
  ].join('\n'),
);
process.on('SIGINT', () => void fake.close().then(() => process.exit(0)));
