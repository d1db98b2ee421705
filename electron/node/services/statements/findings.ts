/**
 * Reconciling statement lines (pure, no I/O). A linked terminal's lines are paired with the
 * records PosCare captured from it: by reference (the statement's trace or receipt number), then
 * by amount at the nearest time, then a line and a record a minute or two apart with different
 * amounts are one sale with a wrong amount. A standalone terminal's lines are summed per day and
 * compared with the end-of-day totals staff entered by hand. Plus duplicates (a line the acquirer
 * settled twice) and fees above the acquirer's agreed rate.
 */
import type { FindingKind, HandDayTotal, StatementFinding } from '../../../../shared/domain/statements';
import type { CapturedRow, StoredLine } from '../../db/statements';

export interface FindingSources {
  lines: StoredLine[];
  /** The PosCare device a statement's terminal id names, or null. */
  resolve(terminal: string): string | null;
  /** Captured records of a device over the statement's days. */
  captured(deviceId: string): CapturedRow[];
  /** Whether a device without captured records is reconciled against hand-entered totals. */
  takesHandTotals(deviceId: string): boolean;
  handTotals: HandDayTotal[];
  /** Agreed fee rate per acquirer, basis points (null: not checked). */
  feeRateBp(acquirer: string): number | null;
}

/** A sale and a record this close with different amounts are the same sale. */
const SAME_SALE_MS = 2 * 60_000;
/** Clocks of the terminal and the acquirer's host may differ this much. */
const MATCH_WINDOW_MS = 30 * 60_000;

function add<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const ms = (localDateTime: string) => Date.parse(`${localDateTime}Z`);

function finding(kind: FindingKind, acquirer: string, fields: Partial<StatementFinding>): StatementFinding {
  return {
    kind,
    acquirer,
    deviceId: null,
    terminal: '',
    businessDay: '',
    occurredAt: null,
    reference: '',
    statementCents: null,
    posCareCents: null,
    statementCount: null,
    posCareCount: null,
    feeCents: null,
    allowedFeeCents: null,
    lines: [],
    transactionId: null,
    incidentClass: 'transaction',
    ...fields,
  };
}

interface Money {
  row: CapturedRow;
  cents: number;
  at: number;
  matched: boolean;
}

/** Payments not reversed, and refunds as negative amounts: what the acquirer should settle. */
function capturedMoney(rows: CapturedRow[]): Money[] {
  const reversed = new Set(rows.filter((r) => r.kind === 'reversal' && r.originalReceiptNumber !== null).map((r) => `${r.businessDay}|${r.originalReceiptNumber}`));
  return rows
    .filter((r) => (r.kind === 'payment' && !reversed.has(`${r.businessDay}|${r.receiptNumber}`)) || r.kind === 'refund')
    .map((r) => ({ row: r, cents: r.kind === 'refund' ? -r.amountCents : r.amountCents, at: ms(r.occurredAt), matched: false }));
}

function lineFields(l: StoredLine, deviceId: string | null): Partial<StatementFinding> {
  return { deviceId, terminal: l.terminal, businessDay: l.businessDay, occurredAt: l.occurredAt, reference: l.reference, statementCents: l.amountCents, lines: [l.line] };
}

function reconcileLinked(acquirer: string, deviceId: string, lines: StoredLine[], money: Money[], days: Set<string>, out: StatementFinding[]): void {
  const byNumber = new Map<number, Money[]>();
  const byAmount = new Map<number, Money[]>();
  for (const m of money) {
    for (const n of new Set([m.row.traceNumber, m.row.receiptNumber])) add(byNumber, n, m);
    add(byAmount, m.cents, m);
  }
  const open: StoredLine[] = [];
  for (const l of lines) {
    const n = /^\d{1,6}$/.test(l.reference) ? Number(l.reference) : -1;
    const at = ms(l.occurredAt);
    const byRef = (byNumber.get(n) ?? []).find((m) => !m.matched && Math.abs(m.at - at) <= 86_400_000);
    if (byRef) {
      byRef.matched = true;
      if (byRef.cents !== l.amountCents) out.push(finding('amount_mismatch', acquirer, { ...lineFields(l, deviceId), posCareCents: byRef.cents, transactionId: byRef.row.id }));
      continue;
    }
    const dateOnly = l.occurredAt.endsWith('T00:00:00');
    let best: Money | undefined;
    for (const m of byAmount.get(l.amountCents) ?? []) {
      if (m.matched) continue;
      const near = dateOnly ? m.row.occurredAt.startsWith(l.businessDay) : Math.abs(m.at - at) <= MATCH_WINDOW_MS;
      if (near && (!best || Math.abs(m.at - at) < Math.abs(best.at - at))) best = m;
    }
    if (best) best.matched = true;
    else open.push(l);
  }
  for (const l of open) {
    const at = ms(l.occurredAt);
    const same = money.find((m) => !m.matched && Math.abs(m.at - at) <= SAME_SALE_MS);
    if (same) {
      same.matched = true;
      out.push(finding('amount_mismatch', acquirer, { ...lineFields(l, deviceId), posCareCents: same.cents, transactionId: same.row.id }));
    } else out.push(finding('settled_not_captured', acquirer, lineFields(l, deviceId)));
  }
  for (const m of money) {
    const day = m.row.occurredAt.slice(0, 10);
    if (!m.matched && days.has(day)) {
      out.push(finding('captured_not_settled', acquirer, { deviceId, terminal: deviceId, businessDay: day, occurredAt: m.row.occurredAt, reference: String(m.row.traceNumber), posCareCents: m.cents, transactionId: m.row.id }));
    }
  }
}

function daySums(lines: StoredLine[]): Map<string, { cents: number; count: number; lines: number[] }> {
  const out = new Map<string, { cents: number; count: number; lines: number[] }>();
  for (const l of lines) {
    const sum = out.get(l.businessDay) ?? { cents: 0, count: 0, lines: [] };
    sum.cents += l.amountCents;
    sum.count += 1;
    if (sum.lines.length < 50) sum.lines.push(l.line);
    out.set(l.businessDay, sum);
  }
  return out;
}

function reconcileByHand(acquirer: string, deviceId: string | null, terminal: string, lines: StoredLine[], hand: Map<string, HandDayTotal>, days: Set<string>, out: StatementFinding[]): void {
  const sums = daySums(lines);
  for (const [day, sum] of sums) {
    const total = deviceId ? hand.get(`${deviceId}|${day}`) : undefined;
    const fields = { deviceId, terminal, businessDay: day, statementCents: sum.cents, statementCount: sum.count, lines: sum.lines };
    if (!total) out.push(finding('settled_not_captured', acquirer, fields));
    else if (total.amountCents !== sum.cents || total.count !== sum.count) out.push(finding('amount_mismatch', acquirer, { ...fields, posCareCents: total.amountCents, posCareCount: total.count }));
  }
  if (!deviceId) return;
  for (const day of days) {
    const total = hand.get(`${deviceId}|${day}`);
    if (total && !sums.has(day) && (total.amountCents !== 0 || total.count !== 0)) {
      out.push(finding('captured_not_settled', acquirer, { deviceId, terminal, businessDay: day, posCareCents: total.amountCents, posCareCount: total.count }));
    }
  }
}

/** Every finding over the given statement lines, newest day first within each kind's order of discovery. */
export function statementFindings(src: FindingSources): StatementFinding[] {
  const out: StatementFinding[] = [];
  const copies = new Map<string, StoredLine[]>();
  for (const l of src.lines) {
    const key = `${l.acquirer}\u0000${l.baseKey}`;
    add(copies, key, l);
  }
  for (const group of copies.values()) {
    const l = group[0];
    if (!l || group.length < 2) continue;
    out.push(finding('duplicate', l.acquirer, { ...lineFields(l, src.resolve(l.terminal)), statementCount: group.length, lines: group.map((g) => g.line) }));
  }
  const first = src.lines.filter((l) => l.copy === 1);
  for (const l of first) {
    const rate = src.feeRateBp(l.acquirer);
    if (rate === null || l.feeCents === null || l.status !== 'settled') continue;
    const allowed = Math.round((Math.abs(l.amountCents) * rate) / 10_000);
    if (l.feeCents > allowed) out.push(finding('fee_above_rate', l.acquirer, { ...lineFields(l, src.resolve(l.terminal)), feeCents: l.feeCents, allowedFeeCents: allowed }));
  }
  const hand = new Map(src.handTotals.map((h) => [`${h.deviceId}|${h.businessDay}`, h]));
  const byAcquirer = new Map<string, StoredLine[]>();
  for (const l of first) if (l.status !== 'failed') add(byAcquirer, l.acquirer, l);
  for (const [acquirer, lines] of byAcquirer) {
    const days = new Set(lines.map((l) => l.businessDay));
    const byTerminal = new Map<string, StoredLine[]>();
    for (const l of lines) add(byTerminal, l.terminal, l);
    for (const [terminal, termLines] of byTerminal) {
      const deviceId = src.resolve(terminal);
      const captured = deviceId ? src.captured(deviceId) : [];
      if (deviceId && (captured.length > 0 || !src.takesHandTotals(deviceId))) reconcileLinked(acquirer, deviceId, termLines, capturedMoney(captured), days, out);
      else reconcileByHand(acquirer, deviceId, terminal, termLines, hand, days, out);
    }
  }
  return out;
}
