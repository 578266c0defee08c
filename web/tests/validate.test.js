import { describe, it, expect } from 'vitest';
import { validateAppeal, appealBody, validateAction, actionBody, emptyActionModel, ACTION_FIELDS } from '../src/lib/validate.js';

const good = () => ({ type: 'complaint', title: '路灯不亮', description: '湖滨路的路灯坏了三天', address: '湖滨路 1 号', location: null,
  grid: '', anonymous: false, contact: { name: '', phone: '' }, urgency: 'normal', category: '' });

describe('validateAppeal', () => {
  it('accepts a complete appeal', () => {
    expect(validateAppeal(good())).toEqual({});
  });
  it('names each missing or bad field', () => {
    const a = { ...good(), title: ' ', description: '太短', address: '', contact: { name: '', phone: 'abc' } };
    expect(validateAppeal(a)).toEqual({ title: 'validation.required', description: 'validation.describeMore',
      'contact.phone': 'validation.phone', address: 'validation.whereNeeded' });
  });
  it('counts characters, not UTF-16 units, against the limits', () => {
    expect(validateAppeal({ ...good(), title: '𠀀'.repeat(200) })).toEqual({});
    expect(validateAppeal({ ...good(), title: '𠀀'.repeat(201) }).title).toBe('validation.tooLong');
  });
  it('a map point is enough as a location', () => {
    expect(validateAppeal({ ...good(), address: '', location: { lat: 28.2, lon: 112.9 } })).toEqual({});
  });
  it('ignores a bad phone when the appeal is anonymous', () => {
    expect(validateAppeal({ ...good(), anonymous: true, contact: { name: '', phone: 'x' } })).toEqual({});
  });
});

describe('appealBody', () => {
  it('drops empty optional parts and the contact of an anonymous appeal', () => {
    const b = appealBody({ ...good(), anonymous: true, contact: { name: '张三', phone: '138' } });
    expect(b).toEqual({ type: 'complaint', title: '路灯不亮', description: '湖滨路的路灯坏了三天', channel: 'web', address: '湖滨路 1 号', anonymous: true });
  });
  it('keeps category, urgency, point, grid and contact', () => {
    const b = appealBody({ ...good(), category: 'C01-02-01', urgency: 'urgent', location: { lat: 1, lon: 2 }, grid: 'G', contact: { name: ' 张三 ', phone: '' } });
    expect(b).toMatchObject({ category: 'C01-02-01', urgency: 'urgent', location: { lat: 1, lon: 2 }, grid: 'G', contact: { name: '张三' } });
  });
});

describe('action forms', () => {
  it('every action has a form and an empty model', () => {
    for (const a of Object.keys(ACTION_FIELDS)) expect(typeof emptyActionModel(a)).toBe('object');
    expect(emptyActionModel('summon')).toEqual({ departments: [], within_minutes: 120, note: '' });
  });
  it('requires what the server requires', () => {
    expect(validateAction('handle', { result: '', reply: '已处理' })).toEqual({ result: 'validation.required' });
    expect(validateAction('summon', { departments: [], within_minutes: 120 })).toEqual({ departments: 'validation.required' });
    expect(validateAction('extend', { days: 31, reason: '材料未齐' })).toEqual({ days: 'validation.range' });
    expect(validateAction('register', {})).toEqual({});
  });
  it('sends numbers as numbers, drops empty optional fields, carries the version', () => {
    expect(actionBody('extend', { days: '3', reason: '等待配件' }, 4)).toEqual({ days: 3, reason: '等待配件', version: 4 });
    expect(actionBody('dispatch', { department: 'MH-D-CG', co_departments: [], note: '' }, 2)).toEqual({ department: 'MH-D-CG', version: 2 });
    expect(actionBody('verify', { ok: false, note: '' })).toEqual({ ok: false });
  });
});
