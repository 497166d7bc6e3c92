/**
 * Renders the data contract as Markdown (data/README.md and the 数据说明 page), so the
 * documentation cannot drift from the schema.
 */
import { DEFAULT_ITERATIONS } from './token.ts';
import { FILES, type FieldSpec } from './contract.ts';

function fieldTable(fields: readonly FieldSpec[]): string {
  const rows = fields.map((f) => `| ${f.label} | \`${f.key}\` | ${f.required ? '必填' : '可选'} | ${f.description} | \`${f.example}\` |`);
  return ['| 中文表头 | 英文表头 | 必填 | 说明 | 示例 |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** Rules every export follows (Markdown inline code allowed), listed in data/README.md and on 数据说明. */
export const DATA_RULES: readonly string[] = [
  '编码：UTF-8（带或不带 BOM）或 GB18030（Excel 中文版默认），自动识别；换行 CRLF 或 LF 均可。',
  '表头：中文或英文均可；全角/半角标点、空格和单位括号（如「缴费金额（元）」）不影响识别。',
  '任何一行有误，本次不发布，并列出全部问题（文件、行号、列、值、应为、修改方法）；已发布的网站保持不变。',
  '个人信息：姓名只保留姓，身份证号只保留前 6 位和后 4 位；任何一列出现手机号码或完整身份证号都会被拒绝。',
];

/** The fields of site.json as documented (Markdown inline code allowed); mirrors SiteConfigSchema in contract.ts. */
export const SITE_CONFIG_DOCS: ReadonlyArray<{ field: string; description: string; default: string }> = [
  { field: '`siteName`', description: '网站名称', default: '医保缴费公示' },
  { field: '`baseUrl`', description: '网站的公开地址，用于规范链接和二维码', default: 'https://gongshi.example.cn' },
  { field: '`asOf`', description: '数据截至日期 YYYY-MM-DD（取自导出，不取构建机器的时钟）', default: '最晚的缴费日期' },
  { field: '`issuer`', description: '发布单位：`{ "区划代码": "单位名称" }`，县或乡镇，向上查找', default: '无' },
  { field: '`objection.phone` / `.address` / `.days`', description: '异议反馈电话（办公电话；手机号码会被拒绝，因为它会公示在每张公示上）、地点、公示天数', default: '12393 / 空 / 7' },
  { field: '`objection.byRegion`', description: '各县或乡镇自己的异议反馈电话、地点：`{ "区划代码": { "phone": "0717-4211234", "address": "枝江市医疗保障局服务大厅" } }`，两项都可只写一项；每项向上查找，找不到用上一行的。多个县合办一个网站时，让居民找本县反映', default: '无' },
  { field: '`collection.start` / `.end`', description: '集中征缴期 MM-DD（N 年度在 N-1 年）', default: '09-01 / 12-31' },
  { field: '`milestones`', description: '进度节点 `[{ "date": "11-20", "rate": 0.8 }]`', default: '11-20 80%，12-20 95%' },
  { field: '`target`', description: '参保率目标', default: '0.95' },
  { field: '`lookup.salt` / `.iterations`', description: '“查我的缴费”查询码的公开盐值和计算次数，由 `npm run anonymize` 第一次运行时写入；发布后不要再改，否则居民的查询码全部改变。没有盐值时查询页面关闭', default: `无 / ${DEFAULT_ITERATIONS}` },
];

/** The full data/README.md text. */
export function renderDataReadme(): string {
  const parts = [
    '# 导出数据约定（Data contract）',
    '',
    '<!-- Generated from src/lib/contract.ts by `npm run docs:data`; a test checks it is current. Do not edit by hand. -->',
    '',
    '发布一次公示所需的导出文件放在同一个文件夹里，构建时用环境变量 `DATA_DIR` 指向它：',
    '',
    '```sh',
    'DATA_DIR=/path/to/export npm run build',
    '```',
    '',
    ...DATA_RULES.map((r) => `- ${r}`),
    '',
  ];
  for (const spec of Object.values(FILES)) {
    parts.push(`## ${spec.file}：${spec.title}`, '', fieldTable(spec.fields), '');
  }
  parts.push(
    '`regions.csv` 列出本县（市、区）、各乡镇（街道）和各村（社区），上级由代码推出：村 `420583103201` 属于乡镇 `420583103000`，乡镇属于县 `420583000000`。',
    '',
    '## site.json：站点配置（可选）',
    '',
    '缺省时使用默认值并给出提示。',
    '',
    '| 字段 | 说明 | 默认 |',
    '| --- | --- | --- |',
    ...SITE_CONFIG_DOCS.map((c) => `| ${c.field} | ${c.description} | ${c.default} |`),
    '',
  );
  return parts.join('\n');
}
