import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { describeError } from './errors.ts';

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
