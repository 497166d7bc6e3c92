import { describe, expect, it } from 'vitest';
import { AnnouncementSchema, sortAnnouncements } from '../../src/lib/announcements.ts';

describe('announcement frontmatter', () => {
  it('accepts a quoted or an unquoted (YAML Date) date and gives YYYY-MM-DD', () => {
    const base = { title: '集中缴费开始了', description: '9月1日开始缴费。' };
    expect(AnnouncementSchema.parse({ ...base, date: '2025-09-01' }).date).toBe('2025-09-01');
    expect(AnnouncementSchema.parse({ ...base, date: new Date(Date.UTC(2025, 8, 1)) }).date).toBe('2025-09-01');
    expect(AnnouncementSchema.parse({ ...base, date: '2025/9/1' }).date).toBe('2025-09-01');
  });

  it('refuses a missing title, an impossible date and a long title, saying what to write', () => {
    const r = AnnouncementSchema.safeParse({ description: '摘要', date: '2025-02-30' });
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => i.message).join('\n');
    expect(messages).toContain('title');
    expect(messages).toContain('YYYY-MM-DD');
    expect(AnnouncementSchema.safeParse({ title: '长'.repeat(61), description: '摘要', date: '2025-09-01' }).success).toBe(false);
  });

  it('sortAnnouncements lists the newest first and breaks ties by file name', () => {
    const e = (id: string, date: string) => ({ id, data: { date } });
    expect(sortAnnouncements([e('b', '2025-01-01'), e('c', '2025-09-01'), e('a', '2025-01-01')]).map((x) => x.id)).toEqual(['c', 'a', 'b']);
  });
});
