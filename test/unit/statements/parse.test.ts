import { describe, expect, it } from 'vitest';
import { decodeStatement, guessColumns, parseAmount, parseCsv, parseDateTime, parseStatus } from '../../../electron/node/services/statements/parse';
import { encodeGb18030 } from '../../helpers/statements';

describe('statement values', () => {
  it('reads amounts with thousand separators, full-width digits, currency signs and signs', () => {
    expect(parseAmount('1,234.50')).toBe(123_450);
    expect(parseAmount('１２３．４５')).toBe(12_345);
    expect(parseAmount('１，２３４．５')).toBe(123_450);
    expect(parseAmount('¥-12.00')).toBe(-1_200);
    expect(parseAmount('(5.00)')).toBe(-500);
    expect(parseAmount('12.3元')).toBe(1_230);
    expect(parseAmount('0.07')).toBe(7);
    for (const bad of ['', '5,00.0', '1.234', 'abc', '12,34', '1e5', '--1']) expect(parseAmount(bad), bad).toBeNull();
  });

  it('reads the date formats of the portals and refuses impossible dates', () => {
    const at = '2026-12-04T10:00:00';
    for (const text of ['2026-12-04 10:00:00', '2026/12/4 10:00', '20261204100000', '2026年12月4日 10:00', '2026年12月4日10时00分', '２０２６－１２－０４　１０：００', '2026-12-04T10:00:00.000']) {
      expect(parseDateTime(text), text).toBe(at);
    }
    expect(parseDateTime('2026-12-04', '10:00')).toBe(at);
    expect(parseDateTime('20261204', '100000')).toBe(at);
    expect(parseDateTime('2026-12-04')).toBe('2026-12-04T00:00:00');
    for (const bad of ['2026-02-30 10:00', '2026-12-04 24:00', '04.12.2026', '12/04/2026', '', '1999-12-04']) expect(parseDateTime(bad), bad).toBeNull();
    expect(parseDateTime('2026-12-04', 'noon')).toBeNull();
  });

  it('tells settled, refunded and failed lines apart', () => {
    expect(parseStatus('成功')).toBe('settled');
    expect(parseStatus('')).toBe('settled');
    expect(parseStatus('退款成功')).toBe('refund');
    expect(parseStatus('交易失败')).toBe('failed');
    expect(parseStatus('已撤销')).toBe('failed');
  });
});

describe('statement files', () => {
  it('decodes UTF-8 with and without BOM and falls back to GB18030', () => {
    expect(decodeStatement(Buffer.from('\uFEFF终端号', 'utf8'))).toEqual({ text: '终端号', encoding: 'utf-8' });
    expect(decodeStatement(Buffer.from('终端号', 'utf8'))).toEqual({ text: '终端号', encoding: 'utf-8' });
    expect(decodeStatement(encodeGb18030('终端号,交易金额'))).toEqual({ text: '终端号,交易金额', encoding: 'gb18030' });
    expect(() => decodeStatement(Buffer.from([0x41, 0xff, 0xff]))).toThrow(/neither UTF-8 nor GBK/);
  });

  it('splits quoted CSV and tab-separated text, and refuses an unclosed quote', async () => {
    expect(await parseCsv('a,"b,""c"""\r\n1,2\n')).toEqual([['a', 'b,"c"'], ['1', '2']]);
    expect(await parseCsv('a\tb\tc,d\n1\t2\n')).toEqual([['a', 'b', 'c,d'], ['1', '2']]);
    await expect(parseCsv('a,"b\n1,2')).rejects.toThrow(/never closes/);
  });

  it('guesses the columns from Chinese and English headers', () => {
    expect(guessColumns(['交易时间', '终端号', '交易金额', '手续费', '卡类型', '检索参考号', '交易状态'])).toEqual({ date: '交易时间', time: '', terminal: '终端号', amount: '交易金额', fee: '手续费', payType: '卡类型', reference: '检索参考号', status: '交易状态' });
    expect(guessColumns(['Date', 'Terminal ID', 'Amount', 'Fee', 'Card type', 'Reference', 'Status'])).toMatchObject({ date: 'Date', terminal: 'Terminal ID', amount: 'Amount', fee: 'Fee', payType: 'Card type', reference: 'Reference', status: 'Status' });
  });
});
