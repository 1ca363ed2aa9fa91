// `dutybound rules`: the rule catalogue, from each rule's metadata.
import type { RuleMeta } from '../rules/types.ts';
import { ruleCatalogue } from '../rules/index.ts';
import { write, type Io } from './io.ts';

export const formatCatalogue = (rules: readonly RuleMeta[]): string =>
  rules
    .map((rule, index) =>
      [
        `${rule.id}  [${rule.severity}]${index < 4 ? `  (precedence ${index + 1})` : ''}`,
        `  ${rule.title}`,
        `  fires on:    ${rule.description}`,
        `  remediation: ${rule.remediation}`,
      ].join('\n'),
    )
    .join('\n\n') + '\n';

export const runRules = async (options: { json?: boolean }, io: Io): Promise<number> => {
  await write(io.stdout, options.json ? `${JSON.stringify(ruleCatalogue, null, 2)}\n` : formatCatalogue(ruleCatalogue));
  return 0;
};
