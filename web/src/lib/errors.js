// Maps the server's one error shape, {"error": {code, message, field, request_id}}, to what the
// pages show: a message, and for a form the message under the field it names.

export class ApiError extends Error {
  constructor(status, error = {}) {
    super(error.message || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = error.code || 'http_' + status;
    this.field = error.field || null;
    this.requestId = error.request_id || null;
    this.details = error;
  }
}

// Builds an ApiError from a status and a parsed body (any shape; non-JSON bodies give null).
export function toApiError(status, body) {
  if (body && typeof body === 'object' && body.error && typeof body.error === 'object')
    return new ApiError(status, body.error);
  return new ApiError(status, {});
}

// {field: message} for a form; the server names one field (dotted paths like "contact.phone").
// `aliases` maps server field names to form item props where they differ.
export function fieldErrors(err, aliases = {}) {
  if (!(err instanceof ApiError) || !err.field) return {};
  const prop = aliases[err.field] || err.field;
  return { [prop]: err.message };
}

// True when an optional endpoint is not there (yet): the panel that uses it is hidden.
export function isMissingEndpoint(err) {
  return err instanceof ApiError && (err.status === 404 || err.status === 405);
}

// The text shown in a toast: the server's message, with the request id for support calls.
export function errorText(err, fallback) {
  if (err instanceof ApiError) return err.requestId ? `${err.message}（${err.requestId}）` : err.message;
  return fallback || String(err && err.message ? err.message : err);
}
