// Minimal XML rendering for the awsQuery protocol (IAM, STS): lists as <member> elements.
const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const xmlValue = (name: string, value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((item) => xmlValue('member', item)).join('')}</${name}>`;
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value)
      .map(([key, item]) => xmlValue(key, item))
      .join('')}</${name}>`;
  }
  return `<${name}>${escape(String(value))}</${name}>`;
};

let requestCounter = 0;
export const requestId = (): string => {
  requestCounter += 1;
  return `00000000-0000-4000-8000-${requestCounter.toString(16).padStart(12, '0')}`;
};

export const queryResponse = (action: string, namespace: string, result: Record<string, unknown> | undefined): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}">${result ? xmlValue(`${action}Result`, result) : ''}<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`;

export const queryError = (namespace: string, code: string, message: string, type: 'Sender' | 'Receiver' = 'Sender'): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${escape(message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`;
