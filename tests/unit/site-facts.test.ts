import { describe, expect, it } from 'vitest';
import { SiteConfigSchema } from '../../src/lib/contract.ts';
import type { PublishedRegion, SiteMeta } from '../../src/lib/publish.ts';
import { siteFacts } from '../../src/lib/site-facts.ts';

const regions = new Map<string, PublishedRegion>([
  ['420583000000', { code: '420583000000', name: '枝江市', level: 'county', parent: null, children: [], years: [2025] }],
]);
const meta = (config: unknown): SiteMeta => ({
  siteName: '医保缴费公示', baseUrl: 'https://gongshi.example.cn', asOf: '2026-01-10', years: [2025, 2026], tops: ['420583000000'],
  config: SiteConfigSchema.parse(config), inputs: [],
});

describe('siteFacts', () => {
  it('takes the objection contact, collection period and issuers from site.json, county first', () => {
    const f = siteFacts(meta({
      issuer: { '420583103000': '顾家店镇人民政府', '420583000000': '枝江市医疗保障局' },
      objection: { phone: '0717-4211234', address: '服务大厅', days: 10 },
      collection: { start: '09-15', end: '12-20' },
    }), regions);
    expect(f.issuers).toEqual(['枝江市医疗保障局', '顾家店镇人民政府']);
    expect(f).toMatchObject({ places: '枝江市', objectionPhone: '0717-4211234', objectionAddress: '服务大厅', objectionDays: 10, localObjections: false, collectionPeriod: '9月15日至12月20日', latestYear: 2026, target: '95.0%' });
  });

  it('falls back to the defaults when site.json says nothing', () => {
    const f = siteFacts(meta({}), regions);
    expect(f.issuers).toEqual([]);
    expect(f).toMatchObject({ objectionPhone: '12393', objectionDays: 7, localObjections: false, collectionPeriod: '9月1日至12月31日' });
  });

  it('says when counties or townships have objection contacts of their own', () => {
    expect(siteFacts(meta({ objection: { byRegion: { '420583000000': { address: '枝江市医疗保障局服务大厅' } } } }), regions).localObjections).toBe(true);
  });
});
