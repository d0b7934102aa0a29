import { describe, expect, it } from 'vitest';
import { type AuditRow, checkChain, GENESIS_HASH, rowHash } from '../src/audit/chain.js';

const content = {
  organizationId: '7d3f1c2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f',
  actorId: null,
  action: 'invitation.cancelled',
  targetType: 'Invitation',
  targetId: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
  data: { before: { status: 'PENDING' }, after: { status: 'CANCELLED', reason: null }, list: [1, 'two', null], é: 'ü' },
  ip: '203.0.113.7',
  userAgent: 'vitest',
  createdAt: new Date('2024-05-06T07:08:09.010Z'),
};

describe('the audit chain rule', () => {
  it('hashes a row exactly as rows already stored were hashed', () => {
    // Computed by the chain's first implementation: a changed rule would break every stored chain.
    expect(rowHash(GENESIS_HASH, content)).toBe('639632c15324fa824a8c666bd9e6f40ca5706c1311decff90309e8a2aa242e62');
  });

  it('finds the first row whose content no longer matches its hash', () => {
    const first: AuditRow = {
      ...content,
      id: 'a',
      seq: 1,
      prevHash: GENESIS_HASH,
      hash: rowHash(GENESIS_HASH, content),
    };
    const next = { ...content, action: 'invitation.resent' };
    const second: AuditRow = { ...next, id: 'b', seq: 2, prevHash: first.hash, hash: rowHash(first.hash, next) };
    expect(checkChain([first, second])).toEqual({ valid: true, checked: 2, firstBrokenId: null });
    expect(checkChain([first, { ...second, action: 'invitation.accepted' }])).toEqual({
      valid: false,
      checked: 1,
      firstBrokenId: 'b',
    });
  });
});
