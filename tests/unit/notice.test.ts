import { describe, expect, it } from 'vitest';
import {
  channelLines, csvPath, issuerFor, noticePeriod, noticeTitle, objectionFor, pageCount, pageOfRow, pageRange, PAGE_SIZE, rankChildren, ranksOf,
  rateFlag, regionPath, shortUrl, statusLines, surnameIndex, surnameOf, telHref, yearPath,
} from '../../src/lib/notice.ts';
import { parseCsvText, parseRowQuery, rowMatches } from '../../src/lib/row-filter.ts';
import { qrSvg } from '../../src/lib/qr.ts';
import { toCsv } from '../../src/lib/publish.ts';
import { SiteConfigSchema } from '../../src/lib/contract.ts';

describe('notice URLs', () => {
  it('gives every region, year and page a stable path', () => {
    expect(regionPath('420583103201')).toBe('/r/420583103201/');
    expect(yearPath('420583103201', 2025)).toBe('/r/420583103201/2025/');
    expect(yearPath('420583103201', 2025, 1)).toBe('/r/420583103201/2025/');
    expect(yearPath('420583103201', 2025, 3)).toBe('/r/420583103201/2025/p/3/');
    expect(csvPath('420583103201', 2025)).toBe('/api/2025/420583103201.csv');
    expect(shortUrl('https://gongshi.example.cn/r/420583103201/2025/')).toBe('gongshi.example.cn/r/420583103201/2025/');
  });
});

describe('pagination', () => {
  it('gives an empty notice one page and splits at the page size', () => {
    expect([pageCount(0), pageCount(1), pageCount(PAGE_SIZE), pageCount(PAGE_SIZE + 1), pageCount(10_141)]).toEqual([1, 1, 1, 2, 11]);
  });

  it('covers every row exactly once across the pages', () => {
    for (const rows of [0, 1, 999, 1000, 1001, 2345, 10_000]) {
      const seen: number[] = [];
      for (let p = 1; p <= pageCount(rows); p++) {
        const { start, end } = pageRange(p, rows);
        for (let i = start; i < end; i++) {
          seen.push(i);
          expect(pageOfRow(i)).toBe(p);
        }
      }
      expect(seen).toEqual(Array.from({ length: rows }, (_, i) => i));
    }
  });

  it('keeps a row on the same page whatever the village size (stable URLs)', () => {
    expect(pageOfRow(0)).toBe(1);
    expect(pageOfRow(999)).toBe(1);
    expect(pageOfRow(1000)).toBe(2);
    expect(pageRange(2, 1500)).toEqual({ start: 1000, end: 1500 });
  });
});

describe('surname index', () => {
  it('reads the surname off a masked name, compound surnames included', () => {
    expect(surnameOf('张*')).toBe('张');
    expect(surnameOf('欧阳**')).toBe('欧阳');
    expect(surnameOf('<*')).toBe('<');
  });

  it('lists each surname with its count and pages, most common first, then by code point', () => {
    const names = ['王*', '李*', '王**', '欧阳**', '李*', '王*', '张*'];
    const index = surnameIndex(names.map((name) => ({ name })), 3);
    expect(index).toEqual([
      { surname: '王', count: 3, pages: [1, 2] },
      { surname: '李', count: 2, pages: [1, 2] },
      { surname: '张', count: 1, pages: [3] },
      { surname: '欧阳', count: 1, pages: [2] },
    ]);
  });
});

describe('notice period and issuer', () => {
  it('starts the notice period on the as-of date and ends it days - 1 later, across month and year ends', () => {
    expect(noticePeriod('2025-01-10', 7)).toEqual({ start: '2025-01-10', end: '2025-01-16', days: 7 });
    expect(noticePeriod('2024-12-28', 7).end).toBe('2025-01-03');
    expect(noticePeriod('2024-02-27', 3).end).toBe('2024-02-29');
    expect(noticePeriod('2025-01-10', 1).end).toBe('2025-01-10');
  });

  it('finds the issuing unit of the region itself or the nearest one above it', () => {
    const issuers = { '420583000000': '枝江市医疗保障局', '420583103000': '顾家店镇人民政府', '420583104001': '董市社区居委会' };
    expect(issuerFor('420583103201', issuers)).toBe('顾家店镇人民政府');
    expect(issuerFor('420583104001', issuers)).toBe('董市社区居委会');
    expect(issuerFor('420583104002', issuers)).toBe('枝江市医疗保障局');
    expect(issuerFor('420583000000', issuers)).toBe('枝江市医疗保障局');
    expect(issuerFor('420583103201', {})).toBeNull();
  });

  it('sends each village to its own county’s or township’s objection contact, each field from the nearest region that has one', () => {
    const { objection } = SiteConfigSchema.parse({
      objection: {
        phone: '12393',
        address: '宜昌市医疗保障局服务大厅',
        byRegion: {
          '420583000000': { phone: '0717-4211234', address: '枝江市医疗保障局服务大厅' },
          '420583103000': { address: '顾家店镇便民服务中心' },
          '420503000000': { phone: '0717-6441234' },
        },
      },
    });
    expect(objectionFor('420583103201', objection)).toEqual({ phone: '0717-4211234', address: '顾家店镇便民服务中心' });
    expect(objectionFor('420583104001', objection)).toEqual({ phone: '0717-4211234', address: '枝江市医疗保障局服务大厅' });
    expect(objectionFor('420503001001', objection)).toEqual({ phone: '0717-6441234', address: '宜昌市医疗保障局服务大厅' });
    expect(objectionFor('420502001001', objection)).toEqual({ phone: '12393', address: '宜昌市医疗保障局服务大厅' });
    expect(objectionFor('420583103201', SiteConfigSchema.parse({}).objection)).toEqual({ phone: '12393', address: '' });
  });

  it('dials a phone number as written, with its dashes and spaces left out', () => {
    expect(telHref('0717-4211234')).toBe('tel:07174211234');
    expect(telHref('12393')).toBe('tel:12393');
    expect(telHref('+86 717 421 1234')).toBe('tel:+867174211234');
  });

  it('titles the notice like the paper one', () => {
    expect(noticeTitle('沙碛坪村', 2025)).toBe('沙碛坪村 2025年度城乡居民医保缴费情况公示');
  });
});

describe('totals and rankings', () => {
  const byStatus = { 已到账: { count: 3, amountFen: 120000 }, 未到账: { count: 1, amountFen: 20000 }, 已退费: { count: 2, amountFen: 80000 } };

  it('lists totals by status in contract order with their sum', () => {
    const { lines, total } = statusLines({ byStatus });
    expect(lines.map((l) => l.status)).toEqual(['已到账', '未到账', '已退费']);
    expect(total).toEqual({ count: 6, amountFen: 220000 });
  });

  it('orders channels by use, then by name', () => {
    expect(channelLines({ byChannel: { 银行: 2, 窗口: 2, '线上/手机': 5 } })).toEqual([
      { channel: '线上/手机', count: 5 }, { channel: '窗口', count: 2 }, { channel: '银行', count: 2 },
    ]);
  });

  it('flags a rate above 100% instead of clipping it, and compares the rest with the target', () => {
    expect(rateFlag(1.02, 0.95)).toBe('over');
    expect(rateFlag(1, 0.95)).toBe('met');
    expect(rateFlag(0.95, 0.95)).toBe('met');
    expect(rateFlag(0.9, 0.95)).toBe('under');
    expect(rateFlag(null, 0.95)).toBeNull();
  });

  it('ranks children by rate, highest first, without a rate last, ties by code with shared ranks', () => {
    const kids = [
      { code: '420583103203', rate: 0.9 }, { code: '420583103201', rate: null }, { code: '420583103202', rate: 1.05 },
      { code: '420583103204', rate: 0.9 }, { code: '420583103205', rate: 0.5 },
    ];
    const ranked = rankChildren(kids);
    expect(ranked.map((k) => k.code)).toEqual(['420583103202', '420583103203', '420583103204', '420583103205', '420583103201']);
    expect(ranksOf(ranked)).toEqual([1, 2, 2, 4, null]);
  });
});

describe('row filter (the browser search box)', () => {
  it('reads 4 digits or 3 digits and X as an ID tail, anything else as a surname', () => {
    expect(parseRowQuery(' 123x ')).toEqual({ kind: 'id', value: '123X' });
    expect(parseRowQuery('０５６６')).toEqual({ kind: 'id', value: '0566' });
    expect(parseRowQuery('欧阳**')).toEqual({ kind: 'surname', value: '欧阳' });
    expect(parseRowQuery('   ')).toBeNull();
  });

  it('matches a surname at the start of the masked name and an ID tail at the end of the masked ID', () => {
    expect(rowMatches('张*', '420583********123X', parseRowQuery('张')!)).toBe(true);
    expect(rowMatches('欧阳**', '420583********0021', parseRowQuery('欧')!)).toBe(true);
    expect(rowMatches('阳*', '420583********0021', parseRowQuery('欧阳')!)).toBe(false);
    expect(rowMatches('张*', '420583********123X', parseRowQuery('123x')!)).toBe(true);
    expect(rowMatches('张*', '420583********1234', parseRowQuery('4205')!)).toBe(false);
  });

  it('parses the published CSV as the pipeline writes it: BOM, quotes, commas and doubled quotes in cells', () => {
    const rows = [['2025', '420583104001', '赵*', '420583********1111', '400.00', '2024-10-01', '代征, "老街"', '已到账']];
    const text = '\uFEFF' + toCsv(rows, true);
    const parsed = parseCsvText(text);
    expect(parsed).toHaveLength(2);
    expect(parsed[0]![0]).toBe('待遇年度');
    expect(parsed[1]).toEqual(rows[0]);
    expect(parseCsvText('a,b\r\nc,"d\r\ne"')).toEqual([['a', 'b'], ['c', 'd\r\ne']]);
  });
});

describe('QR code', () => {
  it('renders the URL as an SVG of paths only, hidden from screen readers', async () => {
    const svg = await qrSvg('https://gongshi.example.cn/r/420583103201/2025/');
    expect(svg.startsWith('<svg aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 33 33"')).toBe(true);
    expect(svg).not.toMatch(/<(?!\/?(svg|path)\b)/);
    expect(svg).not.toContain('gongshi');
  });

  it('is deterministic', async () => {
    const url = 'https://gongshi.example.cn/r/420583103201/2025/p/2/';
    expect(await qrSvg(url)).toBe(await qrSvg(url));
  });
});

describe('published rows as the notice reads them back', () => {
  it('shows a name or channel that looked like a spreadsheet formula as exported, not with the defusing quote', async () => {
    const { parsePublicCsv } = await import('../../src/lib/publish.ts');
    const text = toCsv([['2025', '420583103201', '=*', '420583********123X', '400.00', '2024-09-03', '+线上', '已到账']], true);
    expect(text).toContain("'=*");
    expect(parsePublicCsv(text)[0]).toMatchObject({ name: '=*', channel: '+线上' });
  });
});
