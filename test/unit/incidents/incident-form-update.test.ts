import { describe, expect, it, vi } from 'vitest';

vi.mock('../../../renderer/src/api/client', () => ({ call: () => Promise.resolve({ ok: true, value: [] }), on: () => () => undefined }));

describe('what the incident form sends on save', () => {
  it('sends the end time only with a closed state, the state only when it moved, and the symptoms only when the manager changed them', async () => {
    const { incidentFormUpdate } = await import('../../../renderer/src/stores/incidents');
    const form = { state: 'resolved' as const, closedAt: '2026-03-02T09:00:00.000Z', symptoms: '离线（连接：已断开）', resolution: 'cable' };
    expect(incidentFormUpdate('i1', form, { state: 'open' }, '离线（连接：已断开）')).toEqual({ id: 'i1', state: 'resolved', closedAt: '2026-03-02T09:00:00.000Z', resolution: 'cable' });
    // Reopened: no state sent when unchanged, and the old end is not sent back.
    expect(incidentFormUpdate('i1', { ...form, state: 'open', symptoms: 'came back' }, { state: 'open' }, '离线（连接：已断开）')).toEqual({ id: 'i1', closedAt: null, symptoms: 'came back', resolution: 'cable' });
    // A closed state with the end cleared sends null, for the service to fill in.
    expect(incidentFormUpdate('i1', { ...form, closedAt: '' }, { state: 'resolved' }, form.symptoms)).toEqual({ id: 'i1', closedAt: null, resolution: 'cable' });
  });
});
