import { describe, expect, it } from 'vitest';
import { decodeCredentialReport, parseCredentialReport } from './credentialReport.ts';

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

describe('credential report', () => {
  it('reads N/A as never used, no_information as unknown, and only keys that exist', () => {
    const rows = parseCredentialReport(
      `${HEADER}\r\nann,arn:aws:iam::111122223333:user/ann,2020-01-01T00:00:00+00:00,true,no_information,2020-01-02T00:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,true,2024-05-05T10:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A\r\n`,
    );
    expect(rows).toEqual([
      {
        user: 'ann',
        arn: 'arn:aws:iam::111122223333:user/ann',
        userCreationTime: '2020-01-01T00:00:00.000Z',
        passwordEnabled: true,
        passwordLastUsed: undefined,
        passwordLastChanged: '2020-01-02T00:00:00.000Z',
        mfaActive: true,
        keys: [{ slot: 2, active: true, lastRotated: '2024-05-05T10:00:00.000Z', lastUsed: null }],
        isRoot: false,
      },
    ]);
  });

  it('names a missing column and a bad time with its line', () => {
    expect(() => parseCredentialReport('user,arn\nann,arn:x\n')).toThrow(/missing columns user_creation_time, password_enabled/);
    expect(() => parseCredentialReport(`${HEADER}\nann,arn:x,yesterday,true,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n`)).toThrow(
      /credential report line 2 user_creation_time: expected a time with an offset, got "yesterday"/,
    );
  });

  it('decodes base64 and the CLI JSON, and rejects anything else', () => {
    const csv = `${HEADER}\n`;
    expect(decodeCredentialReport(Buffer.from(csv).toString('base64'))).toBe(csv.trim());
    expect(decodeCredentialReport(JSON.stringify({ Content: Buffer.from(csv).toString('base64') }))).toBe(csv.trim());
    expect(() => decodeCredentialReport('{"State":"COMPLETE"}')).toThrow(/Content field/);
    expect(() => decodeCredentialReport('not a report')).toThrow(/expected a credential report/);
  });
});
