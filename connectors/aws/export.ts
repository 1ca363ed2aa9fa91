// Offline import: the JSON of `aws iam get-account-authorization-details` and a credential
// report, per account, as the AWS CLI prints them.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InputError, describeError } from '../../src/errors.ts';
import { DetailsFormatError, parseAuthorizationDetails, type AuthorizationDetails } from './authz.ts';
import { decodeCredentialReport, parseCredentialReport, type CredentialReportRow } from './credentialReport.ts';

const read = (file: string, what: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read the ${what}: ${describeError(error)}`, [], { cause: error });
  }
};

const asInputError = (file: string, error: unknown): never => {
  if (error instanceof DetailsFormatError || error instanceof SyntaxError) throw new InputError(`${file}: ${describeError(error)}`, [], { cause: error });
  throw error;
};

export const resolveIn = (baseDir: string, path: string): string => (isAbsolute(path) ? path : resolve(baseDir, path));

export const readAuthorizationDetails = (file: string): AuthorizationDetails => {
  const text = read(file, 'authorization details');
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value) || !('UserDetailList' in value || 'RoleDetailList' in value)) {
      throw new DetailsFormatError('expected the JSON printed by `aws iam get-account-authorization-details` (UserDetailList, GroupDetailList, RoleDetailList, Policies)');
    }
    return parseAuthorizationDetails([value as Record<string, unknown>]);
  } catch (error) {
    return asInputError(file, error);
  }
};

export const readCredentialReport = (file: string): CredentialReportRow[] => {
  const text = read(file, 'credential report');
  try {
    return parseCredentialReport(decodeCredentialReport(text));
  } catch (error) {
    return asInputError(file, error);
  }
};
