// `dutybound permissions SYSTEM`: the least privilege a connector needs, to scan or to enforce.
import { stringify } from 'yaml';
import { connectors } from '../../connectors/index.ts';
import { InputError } from '../errors.ts';
import type { System } from '../model/index.ts';
import { write, type Io } from './io.ts';

export const runPermissions = async (options: { system: string; mode: 'scan' | 'enforce' }, io: Io): Promise<number> => {
  const connector = connectors.get(options.system as System);
  if (!connector) throw new InputError(`permissions: unknown system "${options.system}" (expected one of ${[...connectors.keys()].join(', ') || 'none registered'})`);
  const document = connector.permissions();
  const body = document[options.mode];
  const text = document.format === 'yaml' ? stringify(body) : `${JSON.stringify(body, null, 2)}\n`;
  const notes = (document.notes ?? []).map((note) => `${document.format === 'yaml' ? '#' : '//'} ${note}\n`).join('');
  await write(io.stdout, document.format === 'yaml' ? notes + text : text);
  if (document.format !== 'yaml' && notes) await write(io.stderr, notes);
  return 0;
};
