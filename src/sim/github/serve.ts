// Starts the fake GitHub on 127.0.0.1 with a generated estate, for trying dutybound by hand:
//   node src/sim/github/serve.ts [--repos 50] [--members 80] [--teams 8] [--latency 0] [--seed 1]
// then point `github.baseUrl` at the printed URL (any token is accepted).
import { parseArgs } from 'node:util';
import { createGithubEstate } from './estate.ts';
import { startGithubFake } from './fake.ts';

const { values } = parseArgs({
  options: {
    repos: { type: 'string', default: '50' },
    members: { type: 'string', default: '80' },
    teams: { type: 'string', default: '8' },
    latency: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
  },
});
const estate = createGithubEstate(Number(values.seed), { repos: Number(values.repos), members: Number(values.members), teams: Number(values.teams) });
const fake = await startGithubFake(estate, { latencyMs: Number(values.latency) });
process.stdout.write(`fake GitHub for org ${estate.orgs[0]!.login} at ${fake.url} (Ctrl-C stops it)\n`);
process.on('SIGINT', () => void fake.close().then(() => process.exit(0)));
