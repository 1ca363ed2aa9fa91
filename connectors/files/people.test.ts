import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPeople } from './index.ts';
import { failure, fixture, scratch } from './test-helpers.ts';

const { dir, write } = scratch('dutybound-people-');


describe('loadPeople', () => {
  it('reads people and owners from YAML, lower-casing emails', async () => {
    const people = await loadPeople(fixture('people.yaml'));
    expect(people).toEqual({
      people: [
        {
          email: 'alice@example.com',
          name: 'Alice Example',
          accounts: ['aws:arn:aws:iam::012345678901:user/alice', 'github:acme/alice-gh', 'kubernetes:prod/User:alice@example.com'],
        },
        { email: 'bob@example.com', accounts: ['github:acme/bobby'] },
        { email: 'carol@example.com', accounts: [] },
      ],
      owners: [
        { principal: 'aws:arn:aws:iam::012345678901:role/deploy-*', owner: 'platform-team@example.com' },
        { principal: 'github:acme/app/renovate', owner: 'bob@example.com' },
      ],
    });
  });

  it('reads JSON', async () => {
    const people = await loadPeople(fixture('people.json'));
    expect(people).toEqual({ people: [{ email: 'dave@example.com', name: 'Dave', accounts: ['github:acme/dave'] }], owners: [] });
  });

  it('reports every problem with its line: bad email, duplicate person, account claimed twice, bad owner, unknown fields', async () => {
    const path = write(
      'people.yaml',
      [
        'people:', // 1
        '  - email: alice@example.com', // 2
        '    accounts: [github:acme/alice]',
        '  - email: not-an-email', // 4
        '    accounts: []',
        '  - email: Alice@example.com', // 6
        '    accounts: []',
        '  - email: mallory@example.com', // 8
        '    acounts: [github:acme/mallory]', // 9
        '  - email: eve@example.com', // 10
        '    accounts:',
        '      - acme/eve', // 12
        '      - github:acme/alice', // 13
        'owners:', // 14
        '  - principal: github:acme/app/ci', // 15
        '    owner: nobody', // 16
        'team: payments', // 17
      ].join('\n'),
    );
    const error = await failure(loadPeople(path));
    expect(error.problems).toEqual([
      expect.stringMatching(/people\.yaml:17: team: unknown field "team"/),
      expect.stringMatching(/people\.yaml:4: email: expected an email address, got "not-an-email"$/),
      expect.stringMatching(/people\.yaml:6: email: duplicate person "alice@example\.com", also at line 2$/),
      expect.stringMatching(/people\.yaml:9: acounts: unknown field "acounts" \(did you mean "accounts"\?\)$/),
      expect.stringMatching(/people\.yaml:12: accounts\[0\]: expected a principal id or glob/),
      expect.stringMatching(/people\.yaml:16: owner: expected an email address, got "nobody"$/),
    ]);
  });

  it('reports an account listed for two people', async () => {
    const path = write('twice.json', '{"people": [\n  {"email": "a@example.com", "accounts": ["github:acme/x"]},\n  {"email": "b@example.com", "accounts": ["github:acme/x"]}\n]}\n');
    const error = await failure(loadPeople(path));
    expect(error.problems).toEqual([expect.stringMatching(/twice\.json:3: accounts\[0\]: github:acme\/x is also listed for a@example\.com at line 2$/)]);
  });

  it('reports a glob of one person that matches an account listed for another, in either order', async () => {
    const path = write(
      'glob.yaml',
      ['people:', '  - email: a@example.com', '    accounts: ["github:acme/*"]', '  - email: b@example.com', '    accounts: ["github:acme/bob", "github:other/bob"]', ''].join('\n'),
    );
    const error = await failure(loadPeople(path));
    expect(error.problems).toEqual([expect.stringMatching(/glob\.yaml:3: accounts\[0\]: github:acme\/\* also matches github:acme\/bob, listed for b@example\.com at line 5$/)]);
    // A glob that only matches its own person's accounts is fine.
    const own = write('own.yaml', ['people:', '  - email: a@example.com', '    accounts: ["github:acme/*", "github:acme/alice"]', ''].join('\n'));
    expect((await loadPeople(own)).people).toHaveLength(1);
  });

  it('names a syntax error, a missing file and an unsupported format', async () => {
    const broken = write('broken.json', '{"people": [\n  {"email": "a@example.com",}\n]}\n');
    expect((await failure(loadPeople(broken))).problems).toEqual([expect.stringMatching(/broken\.json:2: syntax error/)]);
    expect((await failure(loadPeople(join(dir, 'absent.yaml')))).problems).toEqual([expect.stringMatching(/absent\.yaml: file not found$/)]);
    expect((await failure(loadPeople(write('people.csv', 'email\n')))).problems).toEqual([expect.stringMatching(/people\.csv: unknown file type "\.csv"/)]);
  });
});
