import { describe, expect, it } from 'vitest';
import { parseAttachmentRef } from '@/logic/attachments';
import { ledgerEmpty, ledgerPhrases } from '@/logic/consequences';
import { percent, rankText, yuan } from '@/logic/format';
import { homePath, mayReport, menuFor, parseRole, recipientId, roleLabel } from '@/logic/roles';

const SHA = 'a'.repeat(64);

describe('attachment references', () => {
  it('links a gateway reference to /attachments/<sha256> with its file name', () => {
    expect(parseAttachmentRef(`attachment:${SHA}:整改报告.pdf`)).toEqual({
      reference: `attachment:${SHA}:整改报告.pdf`,
      sha256: SHA,
      filename: '整改报告.pdf',
      href: `/attachments/${SHA}`,
    });
  });
  it('keeps colons inside the file name', () => {
    expect(parseAttachmentRef(`attachment:${SHA}:a:b.png`).filename).toBe('a:b.png');
  });
  it('shows other references as text, without a link', () => {
    expect(parseAttachmentRef('文件编号 2022-17')).toEqual({ reference: '文件编号 2022-17', filename: '文件编号 2022-17' });
    expect(parseAttachmentRef('attachment:nothex:x.pdf').href).toBeUndefined();
  });
});

describe('roles', () => {
  it('parses each role', () => {
    expect(parseRole('office')).toEqual({ kind: 'office', subject: '' });
    expect(parseRole('unit:市商务局')).toEqual({ kind: 'unit', subject: '市商务局' });
    expect(parseRole('leader:饶清华')).toEqual({ kind: 'leader', subject: '饶清华' });
    expect(parseRole('county:361102')).toEqual({ kind: 'county', subject: '361102' });
    expect(parseRole('unit:')).toEqual({ kind: 'unknown', subject: '' });
    expect(parseRole('gateway').kind).toBe('unknown');
    expect(roleLabel('unit:市商务局')).toBe('责任单位 · 市商务局');
  });
  it('names the inbox recipient of each role', () => {
    expect(recipientId('office')).toBe('office');
    expect(recipientId('unit:市商务局')).toBe('unit:市商务局');
    expect(recipientId('leader:饶清华')).toBe('lead:饶清华');
    expect(recipientId('county:361123')).toBe('county:361123');
    expect(recipientId('centre')).toBe('centre');
    expect(recipientId('viewer')).toBe('');
  });
  it('gives each role its menu and home', () => {
    expect(homePath('office')).toBe('/');
    expect(homePath('unit:市商务局')).toBe('/unit');
    expect(homePath('leader:饶清华')).toBe('/leader');
    expect(homePath('county:361123')).toBe('/counties/361123');
    expect(homePath('centre')).toBe('/duty');
    expect(menuFor('office').map((i) => i.path)).toContain('/huiqitong');
    expect(menuFor('unit:市商务局').map((i) => i.path)).not.toContain('/');
    expect(menuFor('office').map((i) => i.label)).toEqual(['首页', '指标排名', '县（市、区）', '责任单位', '领班', '窗口坐班', '惠企通', '通报与调度材料', '消息']);
    expect(menuFor('viewer').map((i) => i.path)).not.toContain('/inbox');
    expect(menuFor('county:361103', '361103').map((i) => i.path)).toEqual(['/counties/361103', '/unit', '/documents', '/inbox']);
    expect(menuFor('centre').map((i) => i.name)).toEqual(['duty', 'hall', 'inbox']);
    expect(menuFor('gateway').map((i) => i.path)).toEqual(['/inbox']);
  });
  it('names a county role by the county', () => {
    expect(roleLabel('county:361103')).toBe('县（市、区） · 广丰区');
    expect(roleLabel('county:369999')).toBe('县（市、区） · 369999');
    expect(roleLabel('office')).toBe('市营商办');
  });
  it('lets the unit, county and office report, not a follower or a viewer', () => {
    expect(mayReport('unit:市商务局', false)).toBe(true);
    expect(mayReport('unit:市商务局', true)).toBe(false);
    expect(mayReport('office', false)).toBe(true);
    expect(mayReport('viewer', false)).toBe(false);
    expect(mayReport('leader:饶清华', false)).toBe(false);
  });
});

describe('numbers', () => {
  it('shows fen as yuan exactly', () => {
    expect(yuan(123456n)).toBe('1,234.56');
    expect(yuan(5n)).toBe('0.05');
    expect(yuan(0n)).toBe('0.00');
    expect(yuan(-250n)).toBe('-2.50');
    expect(yuan(900719925474099312n)).toBe('9,007,199,254,740,993.12');
  });
  it('shows rates and ranks', () => {
    expect(percent(0.8333)).toBe('83.3%');
    expect(rankText(3, 11)).toBe('第3名/共11');
    expect(rankText(0, 11)).toBe('无数据');
  });
});

describe('考核奖惩 summaries', () => {
  it('lists what a summary adds up to', () => {
    expect(
      ledgerPhrases({ bonusWithheld: true, excellenceBarred: true, statements: 2, selfCriticism: false, lines: 3 }),
    ).toEqual(['扣发绩效奖金5%', '取消评优评先资格', '表态发言2次']);
    expect(ledgerPhrases({ bonusWithheld: false, excellenceBarred: false, statements: 0, selfCriticism: true, lines: 1 })).toEqual([
      '检讨发言',
    ]);
  });
  it('knows an empty summary', () => {
    expect(ledgerEmpty(undefined)).toBe(true);
    expect(ledgerEmpty({ bonusWithheld: false, excellenceBarred: false, statements: 0, selfCriticism: false, lines: 0 })).toBe(true);
    expect(ledgerEmpty({ bonusWithheld: false, excellenceBarred: false, statements: 1, selfCriticism: false, lines: 1 })).toBe(false);
  });
});
