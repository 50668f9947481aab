// Connect errors for people: the code decides the words, the server's message adds the detail.
import { Code, ConnectError } from '@connectrpc/connect';
import { m } from '@/messages';

export function errorCode(e: unknown): Code | undefined {
  return e instanceof ConnectError ? e.code : e instanceof Error ? ConnectError.from(e).code : undefined;
}

export function isPermissionDenied(e: unknown): boolean {
  return errorCode(e) === Code.PermissionDenied;
}

export function isUnauthenticated(e: unknown): boolean {
  return errorCode(e) === Code.Unauthenticated;
}

/** A short Chinese message for an error, with the server's own message when it gives one. */
export function errorMessage(e: unknown): string {
  const err = ConnectError.from(e);
  const detail = err.rawMessage ? `：${err.rawMessage}` : '';
  switch (err.code) {
    case Code.Unauthenticated:
      return m.login.sessionExpired;
    case Code.PermissionDenied:
      return m.forbidden.title;
    case Code.InvalidArgument:
      return `${m.errors.invalid}${detail}`;
    case Code.NotFound:
      return `${m.errors.notFound}${detail}`;
    case Code.AlreadyExists:
      return `${m.errors.exists}${detail}`;
    case Code.FailedPrecondition:
      return `${m.errors.precondition}${detail}`;
    case Code.Unavailable:
    case Code.DeadlineExceeded:
      return m.errors.unavailable;
    default:
      return `${m.errors.generic}${detail}`;
  }
}

/** The login form's message (ConsoleService.Login's documented codes). */
export function loginErrorMessage(e: unknown): string {
  const err = ConnectError.from(e);
  switch (err.code) {
    case Code.Unauthenticated:
      return m.login.wrong;
    case Code.PermissionDenied:
      return /disabled|停用/i.test(err.rawMessage) ? m.login.disabled : m.login.locked;
    case Code.ResourceExhausted:
      return m.login.rateLimited;
    default:
      return m.login.failed;
  }
}
