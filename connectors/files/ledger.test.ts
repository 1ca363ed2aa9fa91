import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLedger } from './index.ts';
import { failure, fixture, scratch } from './test-helpers.ts';

const { dir, write } = scratch('dutybound-ledger-');


describe('loadLedger: formats', () => {
  it('reads a YAML list, keeping account ids as text and normalising times to UTC', async () => {
    const grants = await loadLedger([fixture('grants.yaml')]);
    expect(grants.map((grant) => grant.id)).toEqual(['GR-1001', 'GR-1002', 'GR-1003']);
    expect(grants[0]).toEqual({
      id: 'GR-1001',
      subject: 'alice@example.com',
      system: 'aws',
      target: '012345678901',
      resource: '*',
      privilege: 'AdministratorAccess',
      start: '2026-11-20T08:00:00.000Z',
      end: '2026-11-20T16:00:00.000Z',
      kind: 'temporary',
      approver: 'bob@example.com',
      ticket: '1234',
      reason: 'Rotate the payments KMS keys',
      source: 'grants.yaml:2',
      origin: { file: fixture('grants.yaml'), line: 2 },
    });
    expect(grants[1]).toMatchObject({ kind: 'standing', resource: 'payments-*', reviewBy: '2027-01-31T00:00:00.000Z', source: 'grants.yaml:13' });
    expect(grants[1]).not.toHaveProperty('start');
    expect(grants[1]).not.toHaveProperty('end');
    expect(grants[2]).toMatchObject({ kind: 'break-glass', onCall: 'Payments primary', revokedAt: '2026-11-22T01:30:00.000Z', source: 'grants.yaml:24' });
  });

  it('reads a JSON array with the line of each object', async () => {
    const grants = await loadLedger([fixture('grants.json')]);
    expect(grants.map((grant) => [grant.id, grant.source])).toEqual([
      ['GR-2001', 'grants.json:2'],
      ['GR-2002', 'grants.json:14'],
    ]);
    expect(grants[0]).toMatchObject({ start: '2026-11-22T13:00:00.000Z', ticket: '5678', onCall: 'Platform' });
    expect(grants[1]).toMatchObject({ subject: 'aws:arn:aws:iam::210987654321:role/deploy', privilege: '*', kind: 'standing' });
  });

  it('reads JSON lines, skipping blank lines but counting them', async () => {
    const grants = await loadLedger([fixture('grants.jsonl')]);
    expect(grants.map((grant) => [grant.id, grant.source, grant.start])).toEqual([
      ['GR-3001', 'grants.jsonl:1', '2026-11-22T10:00:00.000Z'],
      ['GR-3002', 'grants.jsonl:3', '2026-11-22T04:30:00.000Z'],
    ]);
  });

  it('reads CSV with a header; an empty cell is an absent field', async () => {
    const grants = await loadLedger([fixture('grants.csv')]);
    expect(grants[0]).toMatchObject({
      id: 'GR-4001',
      target: '012345678901',
      resource: '*',
      kind: 'temporary',
      onCall: 'Payments primary',
      reason: 'Investigate payments latency, shard 3',
      source: 'grants.csv:2',
    });
    expect(grants[0]).not.toHaveProperty('revokedAt');
    expect(grants[1]).toMatchObject({ id: 'GR-4002', kind: 'standing', resource: 'infra-*', reviewBy: '2027-02-01T00:00:00.000Z', source: 'grants.csv:3' });
  });

  it('reads a file named twice (config and command line) once', async () => {
    const relativePath = fixture('grants.jsonl').replace(`${process.cwd()}/`, '');
    const grants = await loadLedger([fixture('grants.jsonl'), relativePath]);
    expect(grants.map((grant) => grant.id)).toEqual(['GR-3001', 'GR-3002']);
  });

  it('merges several files in order', async () => {
    const grants = await loadLedger([fixture('grants.yaml'), fixture('grants.csv')]);
    expect(grants.map((grant) => grant.id)).toEqual(['GR-1001', 'GR-1002', 'GR-1003', 'GR-4001', 'GR-4002']);
  });
});

describe('loadLedger: malformed input names file and line', () => {
  it('reports every problem of a CSV file together, each on its own line', async () => {
    const error = await failure(loadLedger([fixture('bad-grants.csv')]));
    const problems = error.problems.map((line) => line.replaceAll(/\S*bad-grants\.csv/g, 'bad-grants.csv'));
    expect(problems).toEqual([
      'bad-grants.csv:3: system: expected one of aws, github, kubernetes, got "gcp"',
      'bad-grants.csv:4: end: must be after start (2026-11-01T10:00:00Z), got "2026-11-01T09:00:00Z"',
      'bad-grants.csv:5: subject: required',
      'bad-grants.csv:6: end: expected ISO 8601 time with an offset, got "2026-11-31T12:00:00Z"',
      'bad-grants.csv:7: id: duplicate id "GR-5001", also at bad-grants.csv:2',
      'bad-grants.csv:8: end: expected ISO 8601 time with an offset, got "2026-11-01 10:00"',
    ]);
    expect(error.message).toMatch(/^ledger: 6 problems/);
  });

  it('reports the line of the offending field in YAML', async () => {
    const path = write(
      'fields.yaml',
      [
        '- id: a', // 1
        '  subject: alice@example.com',
        '  system: aws',
        '  start: 2026-11-01T10:00:00', // 4: no offset
        '  end: 2026-11-01T12:00:00Z',
        '  revoked_at: 2026-11-01T11:00:00Z', // 6: typo
        '- id: b', // 7
        '  system: github', // subject missing → row line
        '  kind: standing', // no reviewBy
        '- id: c', // 10
        '  subject: not an email',
        '  system: kubernetes',
        '  start: 2026-11-01T10:00:00Z',
        '  end: tomorrow',
        '',
      ].join('\n'),
    );
    const error = await failure(loadLedger([path]));
    expect(error.problems).toEqual([
      expect.stringMatching(/fields\.yaml:4: start: expected ISO 8601 time with an offset, got "2026-11-01T10:00:00"$/),
      expect.stringMatching(/fields\.yaml:6: revoked_at: unknown field "revoked_at" \(did you mean "revokedAt"\?\)$/),
      expect.stringMatching(/fields\.yaml:7: subject: required$/),
      expect.stringMatching(/fields\.yaml:7: reviewBy: required for kind standing/),
      expect.stringMatching(/fields\.yaml:11: subject: expected an email or a principal id/),
      expect.stringMatching(/fields\.yaml:14: end: expected ISO 8601 time with an offset, got "tomorrow"$/),
    ]);
  });

  it('reports the line of the offending field in JSON, and missing end for a temporary grant', async () => {
    const path = write(
      'fields.json',
      [
        '[', // 1
        '  {', // 2
        '    "id": "a",',
        '    "subject": "alice@example.com",',
        '    "system": "azure",', // 5
        '    "start": "2026-11-01T10:00:00Z"',
        '  }',
        ']',
      ].join('\n'),
    );
    const error = await failure(loadLedger([path]));
    expect(error.problems).toEqual([
      expect.stringMatching(/fields\.json:2: end: required \(only a standing grant may omit it\)$/),
      expect.stringMatching(/fields\.json:5: system: expected one of aws, github, kubernetes, got "azure"$/),
    ]);
  });

  it('names the line of a syntax error in every format', async () => {
    const yaml = write('syntax.yaml', '- id: a\n  subject: [alice\n- id: b\n');
    const json = write('syntax.json', '[\n  {"id": "a",\n   "subject": }\n]\n');
    const strictJson = write('trailing.json', '[\n  {"id": "a"},\n  {"id": "b",}\n]\n');
    const jsonl = write('syntax.jsonl', '{"id": "a", "subject": "a@example.com", "system": "aws", "start": "2026-11-01T10:00:00Z", "end": "2026-11-01T11:00:00Z"}\n\n{"id": "b",\n');
    const csv = write('syntax.csv', 'id,subject,system\nx,"unterminated,aws\n');
    const error = await failure(loadLedger([yaml, json, strictJson, jsonl, csv]));
    const text = error.problems.join('\n');
    expect(text).toMatch(/syntax\.yaml:\d: syntax error/);
    expect(text).toMatch(/syntax\.json:3: syntax error/);
    expect(text).toMatch(/trailing\.json:3: syntax error/);
    expect(text).toMatch(/syntax\.jsonl:3: syntax error/);
    expect(text).toMatch(/syntax\.csv:2: syntax error/);
  });

  it('names a duplicate id in both files', async () => {
    const first = write('one.yaml', '- id: GR-9\n  subject: a@example.com\n  system: aws\n  start: 2026-11-01T10:00:00Z\n  end: 2026-11-01T11:00:00Z\n');
    const second = write('two.jsonl', '\n{"id": "GR-9", "subject": "b@example.com", "system": "aws", "start": "2026-11-01T10:00:00Z", "end": "2026-11-01T11:00:00Z"}\n');
    const error = await failure(loadLedger([first, second]));
    expect(error.problems).toEqual([expect.stringMatching(/two\.jsonl:2: id: duplicate id "GR-9", also at .*one\.yaml:1$/)]);
  });

  it('rejects an unknown CSV column once, on the header line', async () => {
    const path = write(
      'typo.csv',
      'id,subject,system,start,end,revoked_at\nr1,a@example.com,aws,2026-11-01T10:00:00Z,2026-11-01T11:00:00Z,2026-11-01T10:30:00Z\nr2,a@example.com,aws,2026-11-01T10:00:00Z,2026-11-01T11:00:00Z,\n',
    );
    const error = await failure(loadLedger([path]));
    expect(error.problems).toEqual([expect.stringMatching(/typo\.csv:1: revoked_at: unknown field "revoked_at" \(did you mean "revokedAt"\?\)$/)]);
  });

  it('rejects a file that is not a list, an unknown extension and a missing file, all at once', async () => {
    const map = write('map.yaml', 'id: a\nsubject: a@example.com\n');
    const text = write('grants.txt', 'id,subject\n');
    const error = await failure(loadLedger([map, text, join(dir, 'absent.yaml')]));
    expect(error.problems).toEqual([
      expect.stringMatching(/map\.yaml:1: expected a YAML list of grants$/),
      expect.stringMatching(/grants\.txt: unknown file type "\.txt"/),
      expect.stringMatching(/absent\.yaml: file not found$/),
    ]);
  });

  it('ignores a byte-order mark at the start of a file', async () => {
    const json = write('bom.json', '\uFEFF[{"id": "b1", "subject": "a@example.com", "system": "aws", "kind": "standing", "reviewBy": "2027-01-01T00:00:00Z"}]');
    const csv = write('bom.csv', '\uFEFFid,subject,system,kind,reviewBy\nb2,a@example.com,aws,standing,2027-01-01T00:00:00Z\n');
    expect((await loadLedger([json, csv])).map((grant) => grant.id)).toEqual(['b1', 'b2']);
  });

  it('keeps zero-padded account ids and accepts numeric tickets in YAML', async () => {
    const path = write(
      'numbers.yaml',
      '- id: 42\n  subject: a@example.com\n  system: aws\n  target: 000123456789\n  ticket: 1234\n  start: 2026-11-01T10:00:00+02:00\n  end: 2026-11-01T11:00:00+0200\n',
    );
    const [grant] = await loadLedger([path]);
    expect(grant).toMatchObject({ id: '42', target: '000123456789', ticket: '1234', start: '2026-11-01T08:00:00.000Z', end: '2026-11-01T09:00:00.000Z' });
  });
});

describe('loadLedger: onCall with an escalation level', () => {
  it('reads onCall as a name or { schedule, maxLevel }, in YAML and JSON', async () => {
    const yaml = write(
      'levels.yaml',
      '- id: L-1\n  subject: a@example.com\n  system: aws\n  kind: standing\n  reviewBy: 2027-01-01T00:00:00Z\n  onCall: { schedule: payments, maxLevel: 1 }\n- id: L-2\n  subject: a@example.com\n  system: aws\n  kind: standing\n  reviewBy: 2027-01-01T00:00:00Z\n  onCall: payments\n',
    );
    const json = write('levels.json', JSON.stringify([{ id: 'L-3', subject: 'a@example.com', system: 'aws', kind: 'standing', reviewBy: '2027-01-01T00:00:00Z', onCall: { schedule: 'db', maxLevel: 2 } }]));
    const grants = await loadLedger([yaml, json]);
    expect(grants.map((grant) => [grant.id, grant.onCall, grant.onCallMaxLevel])).toEqual([
      ['L-1', 'payments', 1],
      ['L-2', 'payments', undefined],
      ['L-3', 'db', 2],
    ]);
    expect(grants[1]).not.toHaveProperty('onCallMaxLevel');
  });

  it('rejects a level that is not a whole number from 1, and unknown keys, naming the line', async () => {
    const path = write(
      'bad-levels.yaml',
      '- id: B-1\n  subject: a@example.com\n  system: aws\n  kind: standing\n  reviewBy: 2027-01-01T00:00:00Z\n  onCall: { schedule: payments, maxLevel: 0 }\n- id: B-2\n  subject: a@example.com\n  system: aws\n  kind: standing\n  reviewBy: 2027-01-01T00:00:00Z\n  onCall: { schedule: payments, level: 1 }\n',
    );
    const error = await failure(loadLedger([path]));
    expect(error.problems).toEqual([`${path}:6: onCall: expected a schedule name or { schedule, maxLevel }`, `${path}:12: onCall: expected a schedule name or { schedule, maxLevel }`]);
  });
});

describe('loadLedger: a field given twice is refused, never resolved by position', () => {
  const row = 'JIT-1,carla@example.com,aws,123456789012,IAMFullAccess,2026-11-15T08:00:00Z,2026-11-15T20:00:00Z,2026-11-15T14:00:00Z,lead@example.com,OPS-1';

  it('refuses a CSV column named twice (an empty second revokedAt would undo the revocation)', async () => {
    const path = write('twice.csv', `id,subject,system,target,privilege,start,end,revokedAt,approver,ticket,revokedAt\n${row},\n`);
    const error = await failure(loadLedger([path]));
    expect(error.problems).toContainEqual(expect.stringMatching(/twice\.csv:1: revokedAt: column appears twice in the header/));
  });

  it('refuses a JSON line with a key written twice', async () => {
    const grant = { id: 'JIT-1', subject: 'carla@example.com', system: 'aws', privilege: 'IAMFullAccess', start: '2026-11-15T08:00:00Z', end: '2026-11-15T20:00:00Z', revokedAt: '2026-11-15T14:00:00Z' };
    const line = JSON.stringify(grant).replace(/}$/, ',"revokedAt":null}');
    const path = write('twice.jsonl', `${JSON.stringify({ ...grant, id: 'JIT-0' })}\n${line}\n`);
    const error = await failure(loadLedger([path]));
    expect(error.problems).toEqual([expect.stringMatching(/twice\.jsonl:2: revokedAt: written twice in one object/)]);
  });
});

describe('duplicateJsonKey', () => {
  it('finds a key written twice at any depth, and is not fooled by keys inside strings', async () => {
    const { duplicateJsonKey } = await import('./rows.ts');
    expect(duplicateJsonKey('{"a":1,"b":{"c":2,"c":3}}')).toBe('c');
    expect(duplicateJsonKey('{"a":1,"b":[{"a":2},{"a":3}]}')).toBeUndefined();
    expect(duplicateJsonKey('{"reason":"fix: \\"a\\": b","a":"\\\\","x":"\\"a\\":"}')).toBeUndefined();
    expect(duplicateJsonKey('{"a\\u0062":1,"ab":2}')).toBe('ab');
  });
});

describe('loadLedger: an empty file', () => {
  it('is refused (likely cut short), while [] is a ledger with no grants', async () => {
    for (const name of ['empty.yaml', 'empty.csv', 'empty.jsonl']) {
      const error = await failure(loadLedger([write(name, '')]));
      expect(error.problems).toEqual([expect.stringMatching(new RegExp(`${name.replace('.', '\\.')}: empty file, expected grants`))]);
    }
    expect(await loadLedger([write('none.yaml', '[]\n')])).toEqual([]);
  });
});
