import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { readExport } from './export.ts';
import { kubernetesSchema } from './schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'dutybound-k8s-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('export import', () => {
  it('names the file and the item that is wrong', () => {
    const path = write('bad.json', {
      kind: 'List',
      items: [{ kind: 'ClusterRole', metadata: { name: 'ok' }, rules: [] }, { kind: 'RoleBinding', metadata: { name: 'b', namespace: 'x' } }, { metadata: {} }],
    });
    expect(() => readExport('c', path)).toThrow(InputError);
    expect(() => readExport('c', path)).toThrow(/bad\.json: 2 problems\n {2}items\[1\] \(RoleBinding b\): roleRef\.name missing\n {2}items\[2\]: expected an object with a kind/);
  });

  it('rejects something that is not a List, and a missing file', () => {
    expect(() => readExport('c', write('pod.json', { kind: 'Pod', metadata: { name: 'p' } }))).toThrow(/pod\.json: expected a List with items/);
    expect(() => readExport('c', write('broken.json', '{"kind": "List", "items": ['))).toThrow(/broken\.json: not JSON or YAML/);
    expect(() => readExport('c', join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read the export/);
  });

  it('accepts a typed list whose items carry no kind, and drops secret data on read', () => {
    const rbac = write('crb.json', { kind: 'ClusterRoleBindingList', items: [{ metadata: { name: 'x' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [] }] });
    const secrets = write('secrets.json', {
      kind: 'List',
      items: [
        { kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: 't', namespace: 'n' }, data: { token: 'c2VjcmV0' } },
        { kind: 'Secret', type: 'Opaque', metadata: { name: 'o', namespace: 'n' }, data: { password: 'c2VjcmV0' } },
      ],
    });
    const snapshot = readExport('c', rbac, secrets);
    expect(snapshot.clusterRoleBindings.map((binding) => binding.roleRef.name)).toEqual(['view']);
    expect(snapshot.tokenSecrets?.map((secret) => secret.metadata?.name)).toEqual(['t']);
    expect(snapshot.tokenSecrets?.[0]?.data).toBeUndefined();
  });

  it('validates classifier ids in the config section', () => {
    expect(kubernetesSchema.safeParse({ classifier: { disabled: ['secrets-read'] } }).success).toBe(true);
    expect(kubernetesSchema.safeParse({ classifier: { disabled: ['no-such-rule'] } }).success).toBe(false);
  });
});
