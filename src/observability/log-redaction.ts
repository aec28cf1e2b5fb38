// What a log line or a span may say about an error. Logs and traces leave this service for
// collectors that hold no personal data: an SMTP server's refusal names the recipient, and a
// database error carries its query's parameters (emails, names, hashes) and the driver's detail.

const EMAIL_ADDRESS = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g;

// Email addresses in free text become `[address]`.
export function withoutEmailAddresses(text: string): string {
  return text.replace(EMAIL_ADDRESS, '[address]');
}

export interface LoggableError {
  type: string;
  message: string;
  code?: string;
  stack?: string;
}

// Its class, message, code and stack, with addresses removed; never its other properties.
export function loggableError(error: unknown): LoggableError {
  if (!(error instanceof Error)) {
    return { type: typeof error, message: withoutEmailAddresses(String(error)) };
  }
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: withoutEmailAddresses(error.message),
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.stack ? { stack: withoutEmailAddresses(error.stack) } : {}),
  };
}
