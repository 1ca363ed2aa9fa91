import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { inertStrings, terminalText } from './commands/terminal.ts';
import { describeError, registerSecret, withoutSecrets } from './errors.ts';

describe('describeError', () => {
  it("keeps a failed Kubernetes request's status and Status reason, never its headers or the rest of its body", () => {
    const status = { kind: 'Status', code: 401, reason: 'Unauthorized', message: 'token expired', details: { causes: ['SESSIONsecret'] } };
    const error = new ApiException(401, 'Unauthorized', status, { 'set-cookie': 'session=SESSIONsecret; HttpOnly', authorization: 'Bearer SESSIONsecret' });
    expect(error.message).toContain('SESSIONsecret');
    expect(describeError(new Error('rolebindings: list failed', { cause: error }))).toBe('rolebindings: list failed: HTTP 401 Unauthorized: token expired');
  });

  it('does not repeat a cause its wrapper already quotes', () => {
    const cause = new Error('read ECONNRESET');
    expect(describeError(new Error('sts:AssumeRole: TimeoutError: read ECONNRESET', { cause }))).toBe('sts:AssumeRole: TimeoutError: read ECONNRESET');
    expect(describeError(new Error('fetch failed', { cause }))).toBe('fetch failed: read ECONNRESET');
  });
});

describe('credentials dutybound holds', () => {
  it('never show, even when an API echoes one back in its error', () => {
    registerSecret('ghp_SECRETTOKEN0123456789');
    registerSecret('short');
    const echoed = new Error('Bad credentials for ghp_SECRETTOKEN0123456789', { cause: new Error('token ghp_SECRETTOKEN0123456789 rejected') });
    expect(describeError(echoed)).toBe('Bad credentials for ***: token *** rejected');
    expect(terminalText('progress: ghp_SECRETTOKEN0123456789\u001b[2J')).toBe('progress: ***\\x1b[2J');
    expect(inertStrings({ coverage: [{ error: 'x ghp_SECRETTOKEN0123456789' }] })).toEqual({ coverage: [{ error: 'x ***' }] });
    // Values too short to be a credential are not masked (they would hide ordinary words).
    expect(withoutSecrets('a short word')).toBe('a short word');
  });
});
