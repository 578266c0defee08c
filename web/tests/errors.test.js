import { describe, it, expect } from 'vitest';
import { ApiError, toApiError, fieldErrors, isMissingEndpoint, errorText } from '../src/lib/errors.js';

describe('server errors', () => {
  const body = { error: { code: 'invalid_argument', message: '联系电话格式不正确', field: 'contact.phone', request_id: 'r-1' } };
  it('reads the one error shape', () => {
    const e = toApiError(422, body);
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.code, e.field, e.requestId, e.message]).toEqual([422, 'invalid_argument', 'contact.phone', 'r-1', '联系电话格式不正确']);
  });
  it('falls back on the status for other bodies', () => {
    const e = toApiError(502, '<html>');
    expect([e.code, e.field, e.message]).toEqual(['http_502', null, 'HTTP 502']);
  });
  it('maps the named field to the form item, with aliases', () => {
    expect(fieldErrors(toApiError(422, body))).toEqual({ 'contact.phone': '联系电话格式不正确' });
    expect(fieldErrors(toApiError(422, body), { 'contact.phone': 'phone' })).toEqual({ phone: '联系电话格式不正确' });
    expect(fieldErrors(toApiError(409, { error: { message: 'x' } }))).toEqual({});
    expect(fieldErrors(new Error('x'))).toEqual({});
  });
  it('knows a missing optional endpoint', () => {
    expect(isMissingEndpoint(toApiError(404, null))).toBe(true);
    expect(isMissingEndpoint(toApiError(405, null))).toBe(true);
    expect(isMissingEndpoint(toApiError(403, null))).toBe(false);
  });
  it('shows the request id for support', () => {
    expect(errorText(toApiError(422, body))).toBe('联系电话格式不正确（r-1）');
    expect(errorText(new Error('boom'))).toBe('boom');
  });
});
