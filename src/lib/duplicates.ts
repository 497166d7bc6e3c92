/**
 * 两头缴: one person (same `person_key`) with credited (已到账) payments in two or more
 * villages for the same coverage year. One of them should be refunded. Detected per
 * person, so the data stage can run it shard by shard with bounded memory. Pure.
 */

/** One payment of a person, as much as the detection needs. */
export interface PersonPayment {
  year: number;
  /** Village code. */
  code: string;
  /** 序号 in the village-year's notice (1-based). */
  row: number;
  status: string;
}

/** A payment found to be part of a 两头缴. */
export interface DuplicateHit {
  /** Index into the payments given to {@link findDuplicates}. */
  index: number;
  /** The other villages where the person was credited that year, sorted. */
  others: string[];
}

/** A row of a village-year's notice that is part of a 两头缴. */
export interface DuplicateMark {
  row: number;
  /** The other villages (codes), sorted. */
  others: string[];
}

/** `dupes/{year}/{code}.json`: the 两头缴 rows of one village-year, by 序号. */
export interface DupesFile {
  year: number;
  code: string;
  rows: DuplicateMark[];
}

/**
 * The credited payments of one person that are part of a 两头缴: for each coverage year
 * with 已到账 payments in two or more different villages, every credited payment of that
 * year. Two credited rows in the same village are not a 两头缴 (one place, one insurance).
 */
export function findDuplicates(payments: readonly PersonPayment[]): DuplicateHit[] {
  const byYear = new Map<number, Set<string>>();
  for (const p of payments) {
    if (p.status !== '已到账') continue;
    let set = byYear.get(p.year);
    if (!set) byYear.set(p.year, (set = new Set()));
    set.add(p.code);
  }
  const hits: DuplicateHit[] = [];
  payments.forEach((p, index) => {
    if (p.status !== '已到账') return;
    const codes = byYear.get(p.year)!;
    if (codes.size < 2) return;
    hits.push({ index, others: [...codes].filter((c) => c !== p.code).sort() });
  });
  return hits;
}

/** Sorts the marks of a village-year by 序号, for a deterministic file. */
export function sortMarks(marks: DuplicateMark[]): DuplicateMark[] {
  return marks.sort((a, b) => a.row - b.row);
}
