// Reading what the emulated vendors saw, for end-to-end assertions.
import type { LedgerEntry, startEmulator } from "../../provider/emulator";

/** A running emulator. */
export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** The sequence number of the latest ledger entry: a mark to read calls made after it. */
export function lastSeq(emu: Emulator): number {
  return emu.ledger().at(-1)?.seq ?? 0;
}

/** Ledger entries after `mark`, of one vendor when given. */
export function callsSince(emu: Emulator, mark: number, vendor?: LedgerEntry["vendor"]): LedgerEntry[] {
  return emu.ledger().filter((e) => e.seq > mark && (!vendor || e.vendor === vendor));
}

/** Just the operations (`token`, `subscribe`, `unsubscribe`) of some entries. */
export function ops(list: readonly { op: string }[]): string[] {
  return list.map((e) => e.op);
}

/** The operations other than token fetches. */
export function apiOps(list: readonly { op: string }[]): string[] {
  return ops(list).filter((o) => o !== "token");
}

/** DingTalk subscriptions the emulator holds, as sorted `scope:scopeId:unionId`. */
export function dingtalkHeld(emu: Emulator): string[] {
  return emu.subscriptions().dingtalk.map((s) => `${s.scope}:${s.scopeId}:${s.unionId}`).sort();
}

/** Feishu subscriptions the emulator holds, as sorted `type/subtype`. */
export function feishuHeld(emu: Emulator): string[] {
  return emu.subscriptions().feishu.map((s) => `${s.type}/${s.subtype}`).sort();
}
